import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { openStore, type Migration } from '../../src/store/index.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const notes: Migration[] = [
  'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)',
  'ALTER TABLE notes ADD COLUMN author TEXT',
  (db) => db.prepare("UPDATE notes SET author = 'unknown' WHERE author IS NULL").run(),
];

test('store: WAL mode, migrations run once and in order, versions persist', (t) => {
  const path = join(tempDir(t), 'nested', 'a.sqlite');
  const store = openStore(path);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('synchronous', { simple: true }), 1); // NORMAL
  assert.equal(store.version('notes'), 0);
  store.migrate('notes', notes.slice(0, 1));
  assert.equal(store.version('notes'), 1);
  store.db.prepare('INSERT INTO notes (text) VALUES (?)').run('first');
  store.close();
  store.close(); // idempotent

  const again = openStore(path);
  t.after(() => again.close());
  again.migrate('notes', notes);
  assert.equal(again.version('notes'), 3);
  again.migrate('notes', notes); // nothing left to do
  assert.deepEqual(again.db.prepare('SELECT text, author FROM notes').all(), [
    { text: 'first', author: 'unknown' },
  ]);
  assert.equal(again.version('other'), 0);
});

test('store: a failing migration rolls back that step only and keeps the version', (t) => {
  const store = openStore(join(tempDir(t), 'b.sqlite'));
  t.after(() => store.close());
  const steps: Migration[] = [
    'CREATE TABLE t (x INTEGER)',
    'CREATE TABLE u (y INTEGER); INSERT INTO nowhere VALUES (1)',
  ];
  assert.throws(
    () => store.migrate('fam', steps),
    (err) => isPeerwayError(err, ErrorCodes.STORE_MIGRATION_FAILED) && err.details?.step === 2,
  );
  assert.equal(store.version('fam'), 1);
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  assert.deepEqual(tables, [{ name: 'schema_version' }, { name: 't' }]);
});

test('store: a database newer than the code is refused, bad family names too', (t) => {
  const store = openStore(join(tempDir(t), 'c.sqlite'));
  t.after(() => store.close());
  store.migrate('fam', ['CREATE TABLE a (x)', 'CREATE TABLE b (x)']);
  assert.throws(
    () => store.migrate('fam', ['CREATE TABLE a (x)']),
    (err) => isPeerwayError(err, ErrorCodes.STORE_MIGRATION_FAILED) && err.details?.version === 2,
  );
  for (const bad of ['', 'Fam', 'a-b', '1a', "x'; DROP TABLE a; --"]) {
    assert.throws(
      () => store.migrate(bad, []),
      (err) => isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT),
    );
  }
});

test('store: read-only open sees versions and refuses to migrate', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'd.sqlite');
  const writer = openStore(path);
  writer.migrate('fam', ['CREATE TABLE a (x)']);
  writer.close();
  const reader = openStore(path, { readonly: true });
  t.after(() => reader.close());
  assert.equal(reader.version('fam'), 1);
  assert.throws(
    () => reader.migrate('fam', ['CREATE TABLE a (x)']),
    (err) => isPeerwayError(err, ErrorCodes.CLOSED),
  );
  // Read-only never creates a file.
  assert.throws(
    () => openStore(join(dir, 'missing.sqlite'), { readonly: true }),
    (err) => isPeerwayError(err, ErrorCodes.STORE_OPEN_FAILED),
  );
});

test('store: a garbage file is ERR_STORE_CORRUPT, a directory in the way is ERR_STORE_OPEN_FAILED', (t) => {
  const dir = tempDir(t);
  const garbage = join(dir, 'garbage.sqlite');
  writeFileSync(garbage, Buffer.alloc(8192, 0x5a));
  assert.throws(
    () => openStore(garbage),
    (err) => isPeerwayError(err, ErrorCodes.STORE_CORRUPT),
  );
  assert.throws(
    () => openStore(dir),
    (err) => isPeerwayError(err, ErrorCodes.STORE_OPEN_FAILED),
  );
});

test('store: migrate after close is ERR_CLOSED', () => {
  const store = openStore(':memory:');
  store.close();
  assert.throws(
    () => store.migrate('fam', []),
    (err) => isPeerwayError(err, ErrorCodes.CLOSED),
  );
});
