// A real 100-peer network on 127.0.0.1, seeded through one address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testnet } from './testnet.js';

test('100 peers seeded with one address each reach 10 verified peers, and a returning peer is found again', async () => {
  // py-ipv8's timings (0.5 s tick, 3 s walk timeout); only the bootstrap retry is shortened to 1 s.
  await using net = await testnet(100);
  const elapsed = await net.waitFor(() => net.minPeers() >= 10, 40_000);
  assert.ok(elapsed < 40_000);
  assert.ok(net.minPeers() >= 10);

  // One peer leaves and comes back with the same key on a new port: the others learn where it is now.
  const leaver = net.nodes[50]!;
  const { key } = leaver;
  const id = leaver.community.myPeer.id;
  await net.remove(leaver);
  const back = await net.add(key);
  const port = back.endpoint.address.port;
  const knownAtNewPort = (): number =>
    net.nodes.filter((n) => n.community.getPeers().some((p) => p.id === id && p.address.port === port))
      .length;
  await net.waitFor(() => back.community.getPeers().length >= 10 && knownAtNewPort() >= 10, 20_000);
  assert.ok(knownAtNewPort() >= 10);
});
