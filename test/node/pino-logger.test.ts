import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPinoLogger } from '../../src/node/index.js';

test('pino adapter: JSON lines with level names, child bindings, redacted secrets, level filter', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'log.jsonl');
  const fd = openSync(file, 'w');
  const logger = createPinoLogger({ level: 'info', fd });
  logger.debug('hidden');
  logger.info('plain');
  logger.child({ service: 'directory' }).warn({ port: 5222, password: 'hunter2' }, 'listening');
  logger.error({ auth: { cookie: 'abcd' } });
  closeSync(fd);

  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3);
  assert.equal(lines[0]!.level, 'info');
  assert.equal(lines[0]!.msg, 'plain');
  assert.equal(lines[1]!.level, 'warn');
  assert.equal(lines[1]!.service, 'directory');
  assert.equal(lines[1]!.port, 5222);
  assert.equal(lines[1]!.password, '[redacted]');
  assert.deepEqual(lines[2]!.auth, { cookie: '[redacted]' });
  assert.ok(!readFileSync(file, 'utf8').includes('hunter2'));
});
