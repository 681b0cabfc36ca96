/**
 * Framing decoders: line (`\n`/`\r\n`) and varint-length-prefixed, in MB/s for 1-byte, 64-byte
 * and 64 KiB chunks, against a naive decoder that Buffer.concat()s every chunk onto what it holds
 * and splits from the front, measured in the same run.
 * Target (issue 2): at least 3x the naive decoder on small chunks and no worse on large ones.
 */
import { LengthPrefixedDecoder, LineDecoder, decodeVarint, encodeFrame } from '../src/core/index.js';

const MAX = 1 << 20;

/** The decoder everyone writes first: concat, then split from the front. */
class NaiveLineDecoder {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    let at;
    while ((at = this.buf.indexOf(0x0a)) !== -1) {
      const end = at > 0 && this.buf[at - 1] === 0x0d ? at - 1 : at;
      onLine(this.buf.subarray(0, end));
      this.buf = this.buf.subarray(at + 1);
    }
    if (this.buf.length > MAX) throw new Error('too long');
  }
}

class NaiveLpDecoder {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const prefix = decodeVarint(this.buf, 0, { maxBytes: 4 });
      if (prefix === undefined || this.buf.length < prefix.bytes + prefix.value) return;
      if (prefix.value > MAX) throw new Error('too long');
      onFrame(this.buf.subarray(prefix.bytes, prefix.bytes + prefix.value));
      this.buf = this.buf.subarray(prefix.bytes + prefix.value);
    }
  }
}

/** JSON envelope lines; `spread` sets their length (short: 55-235 bytes, long: 2-6 KiB). */
function makeLines(bytes: number, min: number, spread: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `{"type":687,"line":"!orderbook ${'x'.repeat(min + ((i * 7919) % spread))}"}\r\n`;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''));
}

function makeFrames(bytes: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const frame = encodeFrame(Buffer.alloc(10 + ((i * 37) % 2000), i & 0xff));
    parts.push(frame);
    size += frame.length;
  }
  return Buffer.concat(parts);
}

function split(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/**
 * Best MB/s of each decoder over `rounds` passes, the two alternating so that load from other
 * processes on a shared machine falls on both alike.
 */
function measurePair(
  chunks: Buffer[],
  bytes: number,
  a: (chunks: Buffer[]) => number,
  b: (chunks: Buffer[]) => number,
  rounds = 7,
): [number, number] {
  a(chunks); // warm up
  b(chunks);
  const best = [0, 0];
  for (let r = 0; r < rounds; r++) {
    [a, b].forEach((run, i) => {
      const t0 = process.hrtime.bigint();
      run(chunks);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      best[i] = Math.max(best[i]!, bytes / seconds / 1e6);
    });
  }
  return [best[0]!, best[1]!];
}

const ours: Record<'line' | 'lp', (chunks: Buffer[]) => number> = {
  line(chunks: Buffer[]): number {
    const d = new LineDecoder({ maxLineLength: MAX });
    let n = 0;
    for (const c of chunks) {
      d.push(c);
      while (d.next() !== null) n++;
    }
    return n;
  },
  lp(chunks: Buffer[]): number {
    const d = new LengthPrefixedDecoder({ maxFrameSize: MAX });
    let n = 0;
    for (const c of chunks) {
      d.push(c);
      while (d.next() !== null) n++;
    }
    return n;
  },
};

const naive: Record<'line' | 'lp', (chunks: Buffer[]) => number> = {
  line(chunks: Buffer[]): number {
    const d = new NaiveLineDecoder();
    let n = 0;
    for (const c of chunks) d.push(c, () => n++);
    return n;
  },
  lp(chunks: Buffer[]): number {
    const d = new NaiveLpDecoder();
    let n = 0;
    for (const c of chunks) d.push(c, () => n++);
    return n;
  },
};

const cases: Array<[string, number, number]> = [
  ['1 B', 1, 256 * 1024],
  ['64 B', 64, 4 * 1024 * 1024],
  ['64 KiB', 65536, 16 * 1024 * 1024],
];

const workloads = {
  line: (bytes: number) => makeLines(bytes, 20, 180),
  'line-4k': (bytes: number) => makeLines(bytes, 2048, 4096),
  lp: makeFrames,
};

console.log('lines: 55-235 B (line) or 2-6 KiB (line-4k); lp frames: 10-2010 B');
console.log('decoder  chunk     ours MB/s   naive MB/s   ratio');
for (const [name, make] of Object.entries(workloads)) {
  const kind = name.startsWith('line') ? 'line' : 'lp';
  for (const [label, size, bytes] of cases) {
    const data = make(bytes);
    const chunks = split(data, size);
    const expected = ours[kind](chunks);
    if (naive[kind](chunks) !== expected) throw new Error(`${kind}: decoders disagree`);
    const [a, b] = measurePair(chunks, data.length, ours[kind], naive[kind]);
    console.log(
      `${name.padEnd(8)} ${label.padEnd(8)} ${a.toFixed(1).padStart(10)} ${b.toFixed(1).padStart(12)} ${(a / b).toFixed(2).padStart(7)}x`,
    );
  }
}
