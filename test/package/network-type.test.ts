// `network` on the directory options is the closed set of Bitcoin networks, so a typo fails to
// compile (checked by `tsc --noEmit`, part of `npm run lint` and `npm test`) as well as at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BITCOIN_NETWORKS,
  type DirectoryClientInit,
  type DirectoryClientPoolInit,
  type DirectoryServerInit,
  type MultiDirectoryClientInit,
} from '../../src/directory/index.js';

type Networks = [
  NonNullable<DirectoryClientInit['network']>,
  NonNullable<DirectoryClientPoolInit['network']>,
  NonNullable<DirectoryServerInit['network']>,
  NonNullable<MultiDirectoryClientInit['network']>,
];

test('directory options: network is typed as the Bitcoin network union', () => {
  const ok: Networks = ['mainnet', 'testnet', 'signet', 'regtest'];
  // @ts-expect-error 'moonnet' is not a Bitcoin network
  const bad: Networks = ['moonnet', 'mainnet', 'mainnet', 'mainnet'];
  assert.deepEqual(ok, [...BITCOIN_NETWORKS], 'every network of the union is accepted');
  assert.ok(!(BITCOIN_NETWORKS as readonly string[]).includes(bad[0]), 'moonnet is outside the set');
});
