// Presets: each one validates as a config layer, and every seed it carries parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDirectoryAddress } from '../../src/directory/index.js';
import { parseSeed } from '../../src/discovery/index.js';
import { parseUdpAddress } from '../../src/overlay/index.js';
import { loadConfig, presetLayer, PRESET_NAMES, readNetworkPreset } from '../../src/node/index.js';

test('presets: each validates as a config layer under the file; real networks carry sourced seeds that parse', () => {
  for (const name of PRESET_NAMES) {
    const config = loadConfig({ base: [presetLayer(name)] });
    assert.equal(config.demo.enabled, name === 'local', `${name}: the demo runs only in the local preset`);
    assert.equal(config.services.discovery!.enabled, true, `${name} runs discovery`);
    assert.equal(config.services.orderbook!.enabled, true, `${name} runs the orderbook`);
  }
  for (const name of ['mainnet', 'signet', 'testnet'] as const) {
    const p = readNetworkPreset(name);
    for (const key of ['joinmarket', 'electrum', 'ipv8'])
      assert.ok(p.sources[key], `${name} says where ${key} comes from`);
    assert.ok(p.joinmarket.directories.length > 0, `${name} has directories`);
    for (const d of p.joinmarket.directories) assert.match(parseDirectoryAddress(d).host, /\.onion$/);
    assert.ok(p.electrum.servers.length >= 3, `${name} has Electrum servers`);
    for (const s of p.electrum.servers) parseSeed(s);
    for (const a of p.ipv8.addresses) parseUdpAddress(a);
    const config = loadConfig({ base: [presetLayer(name)] });
    assert.equal(config.services.orderbook!.network, p.joinmarket.network);
    assert.equal(config.services.orderbook!.proxy, '127.0.0.1:9050', 'onions go through Tor');
    assert.equal(config.services.discovery!.genesisHash, p.electrum.genesisHash);
  }
  // The file and flags still win over a preset.
  const config = loadConfig({ base: [presetLayer('mainnet')], set: ['services.overlay.enabled=false'] });
  assert.equal(config.services.overlay!.enabled, false);
  assert.throws(() => presetLayer('moonnet' as never), /unknown preset/);
});
