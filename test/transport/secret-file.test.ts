import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { loadOrCreateSecret } from '../../src/transport/index.js';

const hexSecret = {
  decode: (bytes: Buffer) => bytes.toString('utf8').trim(),
  create: () => ({ value: 'ab'.repeat(32), bytes: 'ab'.repeat(32) + '\n' }),
};

test('secret file: created with mode 0600 in a new folder, then read back unchanged', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'keys', 'nick.key');
  assert.equal(loadOrCreateSecret(path, hexSecret), 'ab'.repeat(32));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8'), 'ab'.repeat(32) + '\n');
  // No temporary file is left beside it.
  assert.deepEqual(readdirSync(join(dir, 'keys')), ['nick.key']);
  let created = 0;
  const again = loadOrCreateSecret(path, {
    ...hexSecret,
    create: () => {
      created++;
      return hexSecret.create();
    },
  });
  assert.equal(again, 'ab'.repeat(32));
  assert.equal(created, 0);
});

test('secret file: a file others can read is refused, naming the file and the fix', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'overlay.key');
  writeFileSync(path, 'cd'.repeat(32));
  chmodSync(path, 0o644);
  assert.throws(
    () => loadOrCreateSecret(path, hexSecret),
    (err) =>
      isPeerwayError(err) &&
      err.code === ErrorCodes.SECRET_FILE &&
      err.message.includes(path) &&
      err.message.includes('chmod 600'),
  );
});

test('secret file: a folder that cannot be created is a typed error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A regular file where the folder should be.
  writeFileSync(join(dir, 'file'), '');
  assert.throws(
    () => loadOrCreateSecret(join(dir, 'file', 'sub', 'key'), hexSecret),
    (err) => isPeerwayError(err) && err.code === ErrorCodes.SECRET_FILE,
  );
});

test(
  'secret file: a folder under /proc is refused at once, not retried without end',
  { skip: process.platform !== 'linux' },
  () => {
    const started = Date.now();
    assert.throws(
      () => loadOrCreateSecret('/proc/peerway-nope/keys/key', hexSecret),
      (err) => isPeerwayError(err) && err.code === ErrorCodes.SECRET_FILE,
    );
    assert.ok(Date.now() - started < 5000, 'refused within seconds');
  },
);
