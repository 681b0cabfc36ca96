import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import {
  TorReplyParser,
  parseKeyValues,
  quoteString,
  readQuoted,
  type TorReply,
} from '../../src/transport/tor-reply.js';
import { parseProtocolInfo } from '../../src/transport/tor-client.js';

const SEED = { seed: 424242 };

function feed(lines: string[]): TorReply[] {
  const parser = new TorReplyParser();
  const out: TorReply[] = [];
  for (const line of lines) {
    const reply = parser.push(line);
    if (reply !== undefined) out.push(reply);
  }
  return out;
}

/** Puts a reply on the wire as tor does: `-` and `+` lines, dot-escaped data, a final ` ` line. */
function encode(reply: TorReply): string[] {
  const out: string[] = [];
  reply.lines.forEach((line, i) => {
    const last = i === reply.lines.length - 1;
    if (line.data !== undefined) {
      out.push(`${line.status}+${line.text}`);
      for (const d of line.data.split('\n')) out.push(d.startsWith('.') ? `.${d}` : d);
      out.push('.');
    } else {
      out.push(`${line.status}${last ? ' ' : '-'}${line.text}`);
    }
  });
  return out;
}

test('tor reply: multi-line replies, data blocks and events', () => {
  const replies = feed([
    '250-PROTOCOLINFO 1',
    '250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/var/lib/tor/control_auth_cookie"',
    '650 CIRC 1 LAUNCHED',
    '250-VERSION Tor="0.4.9.11"',
    '250 OK',
    '250+config-text=',
    'SocksPort 0',
    '..dotted',
    '.',
    '250 OK',
    '552 Unrecognized key "x"',
  ]);
  assert.equal(replies.length, 4);
  assert.deepEqual(replies[0], { status: 650, lines: [{ status: 650, text: 'CIRC 1 LAUNCHED' }] });
  const info = parseProtocolInfo(replies[1]!);
  assert.deepEqual(info, {
    protocolVersion: 1,
    authMethods: ['COOKIE', 'SAFECOOKIE'],
    cookieFile: '/var/lib/tor/control_auth_cookie',
    torVersion: '0.4.9.11',
  });
  assert.deepEqual(replies[2]!.lines[0], { status: 250, text: 'config-text=', data: 'SocksPort 0\n.dotted' });
  assert.equal(replies[3]!.status, 552);
});

test('tor reply: any reply survives encoding and parsing', () => {
  const text = fc.string({ unit: fc.constantFrom(...'abc XYZ=."\\-+0123'), maxLength: 30 });
  const line = fc
    .record(
      {
        status: fc.integer({ min: 100, max: 999 }).filter((n) => n !== 650),
        text,
        data: fc.array(text, { maxLength: 4 }).map((ls) => ls.join('\n')),
      },
      { requiredKeys: ['status', 'text'] },
    )
    .map((l) => ({ ...l }));
  const reply = fc.array(line, { minLength: 1, maxLength: 6 }).map((lines) => {
    // The end line never carries data.
    const { status, text: t } = lines[lines.length - 1]!;
    return { status, lines: [...lines.slice(0, -1), { status, text: t }] };
  });
  fc.assert(
    fc.property(fc.array(reply, { minLength: 1, maxLength: 4 }), (replies) => {
      assert.deepEqual(feed(replies.flatMap(encode)), replies);
    }),
    SEED,
  );
});

test('tor reply: garbage lines give ERR_TOR_CONTROL and nothing else', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }), (lines) => {
      try {
        feed(lines);
      } catch (err) {
        assert.ok(isPeerwayError(err, ErrorCodes.TOR_CONTROL), String(err));
      }
    }),
    SEED,
  );
  assert.throws(() => feed(['25 OK']), { code: ErrorCodes.TOR_CONTROL });
  assert.throws(() => feed(['250*OK']), { code: ErrorCodes.TOR_CONTROL });
});

test('tor reply: quoted strings round-trip; key=value parsing', () => {
  fc.assert(
    fc.property(fc.string(), (value) => {
      const quoted = quoteString(value);
      assert.deepEqual(readQuoted(quoted, 0), [value, quoted.length]);
    }),
    SEED,
  );
  const kv = parseKeyValues('METHODS=COOKIE COOKIEFILE="/a b/\\"c\\"\\\\d" flag X=\\101');
  assert.equal(kv.get('METHODS'), 'COOKIE');
  assert.equal(kv.get('COOKIEFILE'), '/a b/"c"\\d');
  assert.equal(kv.get('X'), '\\101');
  assert.equal(readQuoted('"\\101\\n"', 0)[0], 'A\n');
});
