// Child process for crash.test.ts: commits batches of rows as fast as it can and prints each
// batch id on stdout only after its transaction has committed. The parent kills it with SIGKILL.
import { openStore } from '../../src/store/index.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: crash-writer <db path>');

const store = openStore(path);
store.migrate('crash', [
  'CREATE TABLE crash_rows (batch INTEGER NOT NULL, part INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (batch, part))',
]);
const insert = store.db.prepare('INSERT INTO crash_rows (batch, part, payload) VALUES (?, ?, ?)');
const commitBatch = store.db.transaction((batch: number) => {
  for (let part = 0; part < 3; part++) insert.run(batch, part, Buffer.alloc(512, batch & 0xff));
});

// Stop on our own if the parent never kills us (it failed), so no child outlives the test run.
const stopAt = Date.now() + 20_000;
let batch = 0;
function burst(): void {
  for (let i = 0; i < 50; i++) {
    commitBatch(batch);
    process.stdout.write(`${batch}\n`);
    batch++;
  }
  if (Date.now() < stopAt) setImmediate(burst);
  else store.close();
}
burst();
