import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { silentLogger, type Logger } from '../../src/core/index.js';
import { orderbookConfigSchema, orderbookServiceDefinition } from '../../src/node/orderbook-service.js';
import { readNetworkPreset } from '../../src/node/presets.js';
import { openStore } from '../../src/store/index.js';
import { until } from '../directory/net.js';

// A listener standing in for tor's SOCKS port: it records that a client opened with a SOCKS5
// greeting (version byte 5) and then closes, so the directory dial fails fast.
async function socksListener(): Promise<{
  address: string;
  greetings: () => number;
  close: () => Promise<void>;
}> {
  let greetings = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', (chunk) => {
      if (chunk[0] === 5) greetings += 1;
      socket.destroy();
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    greetings: () => greetings,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function capturingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (a: unknown, b?: unknown) => warnings.push(typeof a === 'string' ? a : String(b)),
    child: () => logger,
  };
  return { logger, warnings };
}

// An onion directory can only be reached through the proxy, so a greeting at our listener shows
// which key the service read.
const ONION = readNetworkPreset('signet').joinmarket.directories[0]!;

async function runWith(section: Record<string, unknown>): Promise<{ greetings: number; warnings: string[] }> {
  const proxy = await socksListener();
  const values = Object.fromEntries(
    Object.entries(section).map(([k, v]) => [k, v === 'PROXY' ? proxy.address : v]),
  );
  const config = orderbookConfigSchema.parse({
    enabled: true,
    network: 'signet',
    directories: [ONION],
    refreshIntervalSec: 0.2,
    minWaitSec: 0.3,
    quietPeriodSec: 0.2,
    timeoutSec: 2,
    connectTimeoutSec: 2,
    ...values,
  });
  const { logger, warnings } = capturingLogger();
  const store = openStore(':memory:');
  const service = orderbookServiceDefinition.create(config, { logger, dataDir: '.', store });
  try {
    await service.start();
    if (section['proxy'] === 'PROXY' || section['socks'] === 'PROXY') {
      await until(() => proxy.greetings() > 0, 8000, 'the onion directory dialled through the proxy');
    }
    // Only the warnings about config keys (a failed dial warns too).
    return {
      greetings: proxy.greetings(),
      warnings: warnings.filter((w) => w.includes('services.orderbook')),
    };
  } finally {
    await service.stop();
    store.close();
    await proxy.close();
  }
}

test('orderbook service: `proxy` is the SOCKS key, like the CLI flag; presets use it', async () => {
  const { greetings, warnings } = await runWith({ proxy: 'PROXY' });
  assert.ok(greetings > 0, 'the directory was dialled through the proxy');
  assert.deepEqual(warnings, [], 'no warning for the current key');
  for (const name of ['mainnet', 'signet', 'testnet'] as const) {
    const preset = readNetworkPreset(name).joinmarket as unknown as Record<string, unknown>;
    assert.equal(preset['proxy'], '127.0.0.1:9050', `${name} preset names proxy`);
    assert.equal(preset['socks'], undefined, `${name} preset has no old key`);
  }
});

test('orderbook service: the old key `socks` still works for one release, with a warning naming `proxy`', async () => {
  const old = await runWith({ socks: 'PROXY' });
  assert.ok(old.greetings > 0, 'the old key is still the proxy');
  assert.equal(old.warnings.length, 1, `one warning: ${JSON.stringify(old.warnings)}`);
  assert.match(old.warnings[0]!, /services\.orderbook\.proxy/, 'the warning names the new key');

  // Both set: proxy wins, socks is ignored (and the warning says so).
  const both = await runWith({ proxy: 'PROXY', socks: '127.0.0.1:1' });
  assert.ok(both.greetings > 0, 'proxy used');
  assert.equal(both.warnings.length, 1, `one warning: ${JSON.stringify(both.warnings)}`);
  assert.match(both.warnings[0]!, /proxy is used/);
});
