import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/index.js';
import { DEFAULT_DIRECTORIES } from '../../src/directory/client/default-directories.js';
import {
  isOrderbookService,
  orderbookConfigSchema,
  orderbookServiceDefinition,
  createOrderbookWatcher,
} from '../../src/node/orderbook-service.js';
import { serviceDefinitions } from '../../src/node/services.js';
import { openStore } from '../../src/store/index.js';
import { until } from './net.js';
import { freePort } from '../helpers/free-port.js';
import { addr, bondCertificate, startDirectories, startMaker } from './market.js';
import { randomBytes } from 'node:crypto';
import { signBondCertificate } from '../../src/directory/market/fidelity-bond.js';
import { bondWitnessScript } from '../../src/directory/market/bond-script.js';
import { publicKeyOf } from '../../src/directory/wire/bitcoin-message.js';
import { p2wshScript, startElectrumRegtest } from '../helpers/electrum-regtest/index.js';

test('orderbook service: config defaults, bad directories refused, default list per network', () => {
  assert.ok(serviceDefinitions.includes(orderbookServiceDefinition), 'registered with the node');
  const defaults = orderbookConfigSchema.parse({});
  assert.equal(defaults.enabled, false);
  assert.equal(defaults.network, 'mainnet');
  assert.deepEqual(defaults.directories, []);
  assert.throws(() => orderbookConfigSchema.parse({ directories: ['no port:x'] }));
  assert.throws(() => orderbookConfigSchema.parse({ proxy: 'localhost' }));
  const watcher = createOrderbookWatcher(orderbookConfigSchema.parse({ network: 'signet' }));
  assert.deepEqual(
    watcher.taker.directoryServers,
    DEFAULT_DIRECTORIES.signet.map((d) => d.address),
    'no directories configured: the network defaults',
  );
});

test('orderbook service: snapshot() and subscribe() follow the book', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-orderbook-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const [d1] = await startDirectories(1);
  const maker = await startMaker([d1!], 0, { orderbookInterval: 50 });
  const store = openStore(':memory:');
  const config = orderbookConfigSchema.parse({
    enabled: true,
    network: 'signet',
    directories: [addr(d1!)],
    refreshIntervalSec: 0.2,
    minWaitSec: 0.3,
    quietPeriodSec: 0.2,
    timeoutSec: 5,
    connectTimeoutSec: 3,
  });
  const service = orderbookServiceDefinition.create(config, { logger: silentLogger, dataDir, store });
  assert.ok(isOrderbookService(service), 'has snapshot and subscribe');
  assert.deepEqual(service.snapshot(), { offers: [], fidelitybonds: [] }, 'empty before start');
  let calls = 0;
  const unsubscribe = service.subscribe(() => (calls += 1));
  try {
    await service.start();
    await until(() => service.snapshot().offers.length === 2, 8000, 'offers in the snapshot');
    assert.ok(calls >= 1, 'the subscriber heard of the change');
    assert.deepEqual(
      service.snapshot().offers.map((o) => [o.counterparty, o.oid, o.ordertype, o.cjfee]),
      [
        [maker.nick, 0, 'sw0reloffer', '0.00002'],
        [maker.nick, 1, 'sw0absoffer', 250],
      ],
    );
    assert.equal(service.stats['connections'], 1);
    assert.equal(service.stats['peers'], 1);
    assert.deepEqual(service.info!()['connected'], [addr(d1!)]);
    unsubscribe();
    const before = calls;
    maker.cancel([1]);
    await until(() => service.snapshot().offers.length === 1, 8000, 'withdrawal seen');
    assert.equal(calls, before, 'no calls after unsubscribe');
  } finally {
    await service.stop();
    await maker.stop();
    await d1!.stop();
    store.close();
  }
});

test('orderbook service: a directory that cannot be reached is named in info() with its reason, and the service keeps running', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-orderbook-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const closed = `127.0.0.1:${await freePort()}`;
  const store = openStore(':memory:');
  const config = orderbookConfigSchema.parse({
    enabled: true,
    network: 'signet',
    directories: [closed],
    refreshIntervalSec: 0.2,
    minWaitSec: 0.3,
    quietPeriodSec: 0.2,
    timeoutSec: 2,
    connectTimeoutSec: 2,
  });
  const service = orderbookServiceDefinition.create(config, { logger: silentLogger, dataDir, store });
  try {
    await service.start();
    await until(
      () => Object.keys((service.info!()['failures'] as Record<string, string>) ?? {}).length === 1,
      8000,
      'the failure named in info()',
    );
    const failures = service.info!()['failures'] as Record<string, string>;
    assert.match(
      failures[closed] ?? '',
      /^refused: /,
      `the reason for ${closed}: ${JSON.stringify(failures)}`,
    );
    assert.deepEqual(service.info!()['connected'], [], 'nothing connected');
  } finally {
    await service.stop();
    store.close();
  }
});

test('orderbook service: bonds checked on a regtest Electrum server; a bond over a made-up txid is invalid with its reason', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-orderbook-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const electrum = await startElectrumRegtest();
  const [d1] = await startDirectories(1);
  // A real bond: the utxo key signs the certificate, the output pays to its timelocked script.
  const utxoSecret = randomBytes(32);
  const certSecret = randomBytes(32);
  const utxoPubkey = publicKeyOf(utxoSecret);
  const certPubkey = publicKeyOf(certSecret);
  const locktime = Math.floor(Date.now() / 1000) + 3 * 365 * 24 * 3600;
  const output = electrum.chain.addOutput(
    p2wshScript(bondWitnessScript(utxoPubkey, locktime)),
    250_000_000n,
    {
      confirmations: 2,
    },
  );
  const real = await startMaker([d1!], 0, {
    orderbookInterval: 50,
    bond: {
      certSecretKey: certSecret,
      certPubkey,
      certSignature: signBondCertificate(utxoSecret, certPubkey, 52),
      certExpiry: 52,
      utxoPubkey,
      txid: output.txid,
      vout: output.vout,
      locktime,
    },
  });
  // The fixture bond: signatures fine, outpoint invented.
  const fake = await startMaker([d1!], 1, { orderbookInterval: 50, bond: bondCertificate() });
  const store = openStore(':memory:');
  const config = orderbookConfigSchema.parse({
    enabled: true,
    network: 'signet',
    directories: [addr(d1!)],
    refreshIntervalSec: 0.2,
    minWaitSec: 0.3,
    quietPeriodSec: 0.2,
    timeoutSec: 5,
    connectTimeoutSec: 3,
    electrum: { server: `127.0.0.1:${electrum.tcpPort}`, transport: 'tcp' },
  });
  const service = orderbookServiceDefinition.create(config, { logger: silentLogger, dataDir, store });
  try {
    await service.start();
    assert.ok(isOrderbookService(service), 'orderbook service');
    await until(
      () => service.snapshot().fidelitybonds.length === 2 && service.snapshot().offers.length === 4,
      10_000,
      'both bonds assessed',
    );
    const json = service.snapshot();
    const realBond = json.fidelitybonds.find((b) => b.counterparty === real.nick)!;
    const fakeBond = json.fidelitybonds.find((b) => b.counterparty === fake.nick)!;
    assert.equal(realBond.status, 'valid', JSON.stringify(realBond));
    assert.equal(realBond.amount, 250_000_000);
    assert.equal(realBond.utxo_confirmations, 2);
    assert.deepEqual(realBond.utxo, { txid: output.txid, vout: output.vout });
    assert.ok(realBond.bond_value > 0, 'valued');
    assert.deepEqual([fakeBond.status, fakeBond.reason, fakeBond.bond_value], ['invalid', 'utxo-missing', 0]);
    for (const o of json.offers) {
      assert.equal(
        o.fidelity_bond_value,
        o.counterparty === real.nick ? realBond.bond_value : 0,
        o.counterparty,
      );
    }
  } finally {
    await service.stop();
    await real.stop();
    await fake.stop();
    await d1!.stop();
    await electrum.stop();
    store.close();
  }
});
