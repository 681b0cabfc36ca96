import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, PeerwayError } from '../core/index.js';

/** Content types of the files the dashboard serves. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A file held in memory with its content type. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * The dashboard's folder: `dashboard/` beside this module, in `src/node/` when run from source and
 * in `dist/node/` once built (the build copies it).
 */
export function dashboardDirectory(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'dashboard');
}

/** The libraries the page loads, by the name it asks for, from their packages' own files. */
const VENDOR: Record<string, { pkg: string; file: string }> = {
  'uplot.js': { pkg: 'uplot', file: 'uPlot.esm.js' },
  'uplot.css': { pkg: 'uplot', file: 'uPlot.min.css' },
  'cytoscape.js': { pkg: 'cytoscape', file: 'cytoscape.esm.min.mjs' },
};

/**
 * Loads the dashboard's files and the libraries it uses into memory once (together well under a
 * megabyte), so a request never touches the file system and no path from a URL is ever opened.
 * Throws ERR_NOT_FOUND when the folder is missing (a build that did not copy it).
 */
export function loadDashboardFiles(dir: string = dashboardDirectory()): {
  pages: Map<string, StaticFile>;
  vendor: Map<string, StaticFile>;
} {
  if (!existsSync(dir)) throw new PeerwayError(ErrorCodes.NOT_FOUND, `dashboard files missing: ${dir}`);
  const pages = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    const path = join(dir, name);
    if (type === undefined || !statSync(path).isFile()) continue;
    pages.set(name, { body: readFileSync(path), contentType: type });
  }
  const require = createRequire(import.meta.url);
  const vendor = new Map<string, StaticFile>();
  for (const [name, { pkg, file }] of Object.entries(VENDOR)) {
    const path = join(dirname(require.resolve(pkg)), file);
    vendor.set(name, { body: readFileSync(path), contentType: CONTENT_TYPES[extname(name)]! });
  }
  return { pages, vendor };
}
