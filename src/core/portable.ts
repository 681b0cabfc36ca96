/**
 * core's second front door: the parts that need nothing from Node (no `node:` module, no
 * `Buffer`), for code that also runs in a browser. Everything here is also exported by index.ts.
 *
 * @module
 */
export { ErrorCodes, type ErrorCode } from './codes.js';
export { PeerwayError, isPeerwayError, toPeerwayError, type PeerwayErrorOptions } from './errors.js';
export { abortError, type AbortOptions } from './abort.js';
