/**
 * Imported with `--import` before anything else, this maps `@libp2p/multistream-select` to
 * peerway's drop-in for the whole process: a module resolve hook, the in-process equivalent of
 * npm `overrides`. Every other specifier resolves as usual. The hook is plain JavaScript in a
 * data: URL because hooks run on their own thread, before any TypeScript loader applies there.
 */
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** The drop-in's source, run through tsx like the rest of the tests. */
export const DROP_IN_URL = pathToFileURL(join(here, '..', '..', 'src', 'multistream', 'libp2p.ts')).href;

const HOOKS = `
let target;
export function initialize(data) { target = data.target; }
export async function resolve(specifier, context, next) {
  if (specifier === '@libp2p/multistream-select') return next(target, context);
  return next(specifier, context);
}
`;

register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { target: DROP_IN_URL } });
