// The node's overlay section: bootstrap and peer addresses are checked when the config loads, and
// a bootstrap name that does not resolve is named in a warning at start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError, type Logger } from '../../src/core/index.js';
import { loadConfig, PeerwayNode } from '../../src/node/index.js';
import { udpAddressProblem } from '../../src/node/overlay-service.js';

const COMMUNITY = 'ab'.repeat(20);

test('overlay config: an address that is neither an IP nor a DNS name, or port 0, is refused at load', () => {
  for (const bad of [
    'foo bar:6421',
    'exa$mple.org:6421',
    '-tracker.example.org:6421',
    'a..b:6421',
    'x.org:0',
  ]) {
    assert.notEqual(udpAddressProblem(bad), undefined, `${bad} is refused`);
    assert.throws(
      () => loadConfig({ set: [`services.overlay.bootstrap=${JSON.stringify([bad])}`] }),
      (err: unknown) =>
        isPeerwayError(err) &&
        err.code === ErrorCodes.CONFIG_INVALID &&
        err.message.includes('services.overlay.bootstrap.0'),
      `${bad} names the field`,
    );
    assert.throws(
      () => loadConfig({ set: [`services.overlay.peers=${JSON.stringify([bad])}`] }),
      (err: unknown) => isPeerwayError(err) && err.message.includes('services.overlay.peers.0'),
      `${bad} as a peer names the field`,
    );
  }
  for (const good of ['tracker.example.org:6421', '130.161.119.206:6421', 'localhost:1', 'a-b.c:65535']) {
    assert.equal(udpAddressProblem(good), undefined, `${good} is accepted`);
  }
});

test('overlay service: a bootstrap name that does not resolve is named in a warning', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-overlay-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const warnings: Array<{ fields: Record<string, unknown>; msg: string }> = [];
  const logger: Logger = {
    trace: () => {},
    debug: () => {},
    info: () => {},
    error: () => {},
    warn: (fields: unknown, msg?: unknown) => {
      warnings.push({
        fields: (fields ?? {}) as Record<string, unknown>,
        msg: typeof msg === 'string' ? msg : '',
      });
    },
    child: () => logger,
  };
  const config = loadConfig({
    set: [
      `dataDir=${JSON.stringify(dir)}`,
      'http.enabled=false',
      'services.overlay.enabled=true',
      'services.overlay.listen="127.0.0.1:0"',
      `services.overlay.communities=[{"id":"${COMMUNITY}"}]`,
      'services.overlay.bootstrap=["no-such-tracker.invalid:6421"]',
    ],
  });
  const node = new PeerwayNode({ config, logger });
  t.after(() => node.stop());
  await node.start();
  const deadline = Date.now() + 30_000;
  while (
    !warnings.some((w) => w.fields.bootstrap === 'no-such-tracker.invalid:6421') &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const warning = warnings.find((w) => w.fields.bootstrap === 'no-such-tracker.invalid:6421');
  assert.ok(warning !== undefined, `a warning names the name: ${JSON.stringify(warnings)}`);
  assert.match(warning.msg, /does not resolve/);
  assert.equal(typeof warning.fields.reason, 'string', 'the reason is given');
});
