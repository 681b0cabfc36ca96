/**
 * Reads test/fixtures/joinmarket-transcripts.txt: lines `<who><dir> b'...'` with Python bytes
 * literals, grouped by `## Session` headings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One recorded line. */
export interface Recorded {
  session: string;
  who: string;
  /** '>>' sent to the directory, '<<' received from it. */
  dir: '>>' | '<<';
  bytes: Buffer;
}

/** Decodes a Python bytes literal body (between the quotes). */
export function pythonBytes(body: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const n = body[++i]!;
    if (n === 'r') out.push(13);
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 'x') {
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(n.charCodeAt(0));
  }
  return Buffer.from(out);
}

/** Every `who>>`/`who<<` line of the fixture that holds an envelope. */
export function loadTranscripts(): Recorded[] {
  return loadAllLines().filter((r) => r.bytes[0] === 0x7b);
}

/** Every `who>>`/`who<<` line of the fixture, garbage lines included. */
export function loadAllLines(): Recorded[] {
  const text = readFileSync(
    join(import.meta.dirname, '..', 'fixtures', 'joinmarket-transcripts.txt'),
    'utf8',
  );
  const out: Recorded[] = [];
  let session = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## Session')) session = line.slice(3).split(':')[0]!.trim();
    const m = /^(\S+?)(>>|<<) b'(.*)'$/.exec(line);
    if (m === null) continue;
    out.push({ session, who: m[1]!, dir: m[2] as '>>' | '<<', bytes: pythonBytes(m[3]!) });
  }
  return out;
}

/** The bytes of every fixture line that starts with `marker` followed by a bytes literal. */
export function loadMarked(marker: string): Buffer[] {
  const text = readFileSync(
    join(import.meta.dirname, '..', 'fixtures', 'joinmarket-transcripts.txt'),
    'utf8',
  );
  return text
    .split('\n')
    .filter((l) => l.startsWith(marker + " b'") && l.endsWith("'"))
    .map((l) => pythonBytes(l.slice(marker.length + 3, -1)));
}

/** The `line` of each recorded envelope, parsed. */
export function envelopeOf(r: Recorded): { type: number; line: string } {
  return JSON.parse(r.bytes.toString('utf8').replace(/\r?\n$/, '')) as { type: number; line: string };
}
