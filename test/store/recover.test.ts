import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError, silentLogger, type Logger } from '../../src/core/index.js';
import { openStore, openStoreOrRecover } from '../../src/store/index.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-recover-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function recordingLogger(): { logger: Logger; warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (obj: Record<string, unknown> | string) => {
      warnings.push(typeof obj === 'string' ? { msg: obj } : obj);
    },
    child: () => logger,
  };
  return { logger, warnings };
}

const when = new Date('2026-01-02T03:04:05.678Z');

test('recover: a garbage file is moved aside with a timestamp and a fresh store opens', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'peerway.sqlite');
  const garbage = Buffer.from('this is not a database, just some text '.repeat(200));
  writeFileSync(path, garbage);
  const { logger, warnings } = recordingLogger();

  const store = openStoreOrRecover(path, { logger, now: () => when });
  t.after(() => store.close());
  store.migrate('fam', ['CREATE TABLE a (x)']);
  assert.equal(store.version('fam'), 1);

  const moved = `${path}.corrupt-2026-01-02T03-04-05-678Z`;
  assert.deepEqual(readFileSync(moved), garbage);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.path, path);
  assert.equal(warnings[0]!.movedTo, moved);
});

test('recover: a second corruption at the same instant gets its own name', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'p.sqlite');
  for (let i = 0; i < 2; i++) {
    writeFileSync(path, `garbage ${i} `.repeat(500));
    openStoreOrRecover(path, { now: () => when }).close();
    rmSync(path);
  }
  const names = readdirSync(dir)
    .filter((n) => n.includes('.corrupt-'))
    .sort();
  assert.deepEqual(names, [
    'p.sqlite.corrupt-2026-01-02T03-04-05-678Z',
    'p.sqlite.corrupt-2026-01-02T03-04-05-678Z-1',
  ]);
});

test('recover: damaged pages behind a valid header are caught by quick_check', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'q.sqlite');
  const store = openStore(path);
  store.db.pragma('journal_mode = DELETE');
  store.migrate('fam', ['CREATE TABLE a (x TEXT)', 'CREATE INDEX a_x ON a (x)']);
  const insert = store.db.prepare('INSERT INTO a (x) VALUES (?)');
  for (let i = 0; i < 2000; i++) insert.run(`row ${i} `.repeat(8));
  store.close();
  // Keep the 100-byte header and page 1 (the schema), scribble over the data pages.
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0xa5, pageSize, bytes.length);
  writeFileSync(path, bytes);

  const { logger, warnings } = recordingLogger();
  const fresh = openStoreOrRecover(path, { logger, now: () => when });
  t.after(() => fresh.close());
  assert.equal(fresh.version('fam'), 0);
  assert.equal(warnings.length, 1);
});

test('recover: a healthy database is opened as it is', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'h.sqlite');
  const first = openStoreOrRecover(path);
  first.migrate('fam', ['CREATE TABLE a (x)']);
  first.close();
  const { logger, warnings } = recordingLogger();
  const second = openStoreOrRecover(path, { logger });
  t.after(() => second.close());
  assert.equal(second.version('fam'), 1);
  assert.equal(warnings.length, 0);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('.corrupt-')),
    [],
  );
});

test('recover: errors other than corruption are not hidden', (t) => {
  const dir = tempDir(t);
  assert.throws(
    () => openStoreOrRecover(dir),
    (err) => isPeerwayError(err, ErrorCodes.STORE_OPEN_FAILED),
  );
  assert.deepEqual(readdirSync(dir), [], 'nothing was moved or created');
});
