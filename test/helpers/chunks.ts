/**
 * Splits `data` at the given cut points (taken modulo its length + 1, so any generated numbers
 * work): with fast-check's arrays of naturals this yields every chunking of the same bytes.
 */
export function splitAt(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(data.subarray(last, p));
    last = p;
  }
  out.push(data.subarray(last));
  return out;
}
