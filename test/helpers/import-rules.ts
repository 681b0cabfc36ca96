// The import rules of docs/architecture.md as a pure function over source texts, so that the
// architecture test can check src/ and also show that each kind of forbidden arrow is caught.
import { posix } from 'node:path';

/** A source file: its path relative to src/ (with `/`), and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** Which floor each top-level folder stands on: an import may only point to a lower floor. */
const FLOORS: Record<string, number> = {
  core: 0,
  transport: 1,
  store: 1,
  multistream: 2,
  directory: 2,
  discovery: 2,
  overlay: 2,
  node: 3,
  cli: 4,
};
/** The package's front door (src/index.ts) stands above everything. */
const ROOT_FLOOR = 5;

/** npm packages only some folders may import, and which. */
const RESTRICTED_PACKAGES: Record<string, readonly string[]> = {
  pino: ['node', 'cli'],
  'prom-client': ['node'],
  commander: ['cli'],
};

/**
 * Inside a protocol folder split into parts, which sibling parts each part may import (through the
 * sibling's index.ts): the directory's market -> client, onion -> wire, server -> onion -> wire,
 * and cluster -> server, wire (the cluster implements the server's ClusterLink hook).
 */
const PART_ARROWS: Record<string, Record<string, readonly string[]>> = {
  directory: {
    wire: [],
    client: ['wire'],
    onion: ['wire'],
    server: ['onion', 'wire'],
    cluster: ['server', 'wire'],
    market: ['client', 'onion', 'wire'],
  },
};

/**
 * Second front doors: files outside a folder may import besides its index.ts. core/portable.ts is
 * core's node-free subset, for code that must also run in a browser.
 */
const EXTRA_FRONT_DOORS = new Set(['core/portable.ts']);

/**
 * Entry points that must run in a browser: they and everything they import (transitively) may
 * import nothing from Node or npm, nor use Node's globals.
 */
export const PORTABLE_ROOTS: readonly string[] = ['multistream/libp2p.ts'];

/** Folders cli may not import at all. */
const CLI_FORBIDDEN = new Set(['store']);

const IMPORT_PATTERNS = [
  /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
];

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n');
}

function specifiers(text: string): string[] {
  const code = stripComments(text);
  const out: string[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) out.push(match[1]!);
  }
  return out;
}

function topFolder(path: string): string | undefined {
  const slash = path.indexOf('/');
  return slash === -1 ? undefined : path.slice(0, slash);
}

function floorOf(path: string): number {
  const top = topFolder(path);
  return top === undefined ? ROOT_FLOOR : (FLOORS[top] ?? ROOT_FLOOR);
}

/** The source path an import specifier names (`./x.js` → `dir/x.ts`). */
function resolveSpecifier(from: string, spec: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(from), spec));
  return joined.replace(/\.js$/, '.ts');
}

/**
 * Checks one file's import of another inside src/ and returns what is wrong, or undefined.
 * Outside the folder that holds both, a file is reached only through its folder's `index.ts`.
 */
function checkLocal(from: string, target: string): string | undefined {
  const fromTop = topFolder(from);
  const toTop = topFolder(target);
  if (toTop === undefined) return `imports the package front door ${target}`;
  const fromFloor = floorOf(from);
  const toFloor = floorOf(target);
  if (fromTop !== toTop) {
    if (toFloor > fromFloor) return `imports upward (${fromTop ?? 'index'} -> ${toTop})`;
    if (toFloor === fromFloor) {
      return toFloor === 2
        ? `imports another protocol (${fromTop} -> ${toTop})`
        : `imports a sibling floor (${fromTop} -> ${toTop})`;
    }
    if (fromTop === 'cli' && CLI_FORBIDDEN.has(toTop)) return `cli imports ${toTop}`;
    if (target !== `${toTop}/index.ts` && !EXTRA_FRONT_DOORS.has(target))
      return `reaches into ${toTop}'s internals (${target})`;
    return undefined;
  }
  // Same top folder: below the folders the two share, the target's side is entered by its index.
  const fromDirs = posix.dirname(from).split('/');
  const toDirs = posix.dirname(target).split('/');
  const parts = PART_ARROWS[toTop];
  const fromPart = fromDirs[1];
  const toPart = toDirs[1];
  if (parts !== undefined && fromPart !== undefined && toPart !== undefined && fromPart !== toPart) {
    const allowed = parts[fromPart];
    if (allowed !== undefined && parts[toPart] !== undefined && !allowed.includes(toPart)) {
      return `breaks ${toTop}'s part arrows (${fromPart} -> ${toPart})`;
    }
  }
  let shared = 0;
  while (shared < fromDirs.length && shared < toDirs.length && fromDirs[shared] === toDirs[shared]) shared++;
  if (shared < toDirs.length) {
    const entry = [...toDirs.slice(0, shared + 1), 'index.ts'].join('/');
    if (target !== entry)
      return `reaches into ${toDirs.slice(0, shared + 1).join('/')}'s internals (${target})`;
  }
  if (target.endsWith('/index.ts') && posix.dirname(target) !== posix.dirname(from)) {
    const folder = posix.dirname(target);
    if (from.startsWith(folder + '/')) return `imports the front door of its own folder (${target})`;
  }
  return undefined;
}

function checkPackage(from: string, spec: string): string | undefined {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  const allowed = RESTRICTED_PACKAGES[name];
  if (allowed === undefined) return undefined;
  const top = topFolder(from) ?? 'index';
  return allowed.includes(top) ? undefined : `imports ${name} (only ${allowed.join(', ')} may)`;
}

/** Every forbidden import and `export *` in `files`, one line each: `path: what is wrong`. */
export function checkImports(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    if (/^\s*export\s*\*/m.test(stripComments(file.text))) violations.push(`${file.path}: uses export *`);
    for (const spec of specifiers(file.text)) {
      const problem = spec.startsWith('.')
        ? checkLocal(file.path, resolveSpecifier(file.path, spec))
        : checkPackage(file.path, spec);
      if (problem !== undefined) violations.push(`${file.path}: ${problem} [${spec}]`);
    }
  }
  return violations;
}

/** Node's globals that a browser lacks, as identifiers in code (comments left out). */
const NODE_GLOBALS = /\b(?:Buffer|process|NodeJS|require|__dirname|setImmediate)\b/;

/**
 * The files `roots` import inside `files`, transitively (roots included), by path relative to src/.
 * Throws when an import names a file that is not there.
 */
export function importClosure(files: readonly SourceFile[], roots: readonly string[]): string[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    const file = byPath.get(path);
    if (file === undefined) throw new Error(`import of a missing file: ${path}`);
    seen.add(path);
    for (const spec of specifiers(file.text)) {
      if (spec.startsWith('.')) queue.push(resolveSpecifier(path, spec));
    }
  }
  return [...seen].sort();
}

/**
 * What keeps the portable entry points (and what they import) from running in a browser: an
 * import from Node (`node:` or a Node builtin) or from any npm package, or a Node global.
 */
export function checkPortable(
  files: readonly SourceFile[],
  roots: readonly string[] = PORTABLE_ROOTS,
): string[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const violations: string[] = [];
  for (const path of importClosure(files, roots)) {
    const file = byPath.get(path)!;
    for (const spec of specifiers(file.text)) {
      if (!spec.startsWith('.')) violations.push(`${path}: portable code imports ${spec}`);
    }
    const code = stripComments(file.text).replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`]*`/g, "''");
    const global = NODE_GLOBALS.exec(code);
    if (global !== null) violations.push(`${path}: portable code uses Node's ${global[0]}`);
  }
  return violations;
}
