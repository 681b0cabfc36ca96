import { PeerwayError } from '../../src/core/index.js';

/** An assert.throws/rejects matcher for a PeerwayError code. */
export function isErr(code: string): (err: unknown) => boolean {
  return (err) => err instanceof PeerwayError && err.code === code;
}
