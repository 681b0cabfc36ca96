import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, Peer, PrivateKey, type UdpAddress } from '../../src/overlay/index.js';

const at = (port: number): UdpAddress => ({ host: '127.0.0.1', port });
const peerAt = (port: number): Peer => new Peer(PrivateKey.generate().publicKey, at(port));
const ports = (peers: Peer[]): number[] => peers.map((p) => p.address.port).sort((a, b) => a - b);

test('network: the peers of a service follow services and removals, counted and drawn without a scan', () => {
  const net = new Network();
  const peers = Array.from({ length: 6 }, (_, i) => net.addVerifiedPeer(peerAt(1000 + i))!);
  for (const p of peers.slice(0, 4)) net.discoverServices(p, ['aa']);
  net.discoverServices(peers[4]!, ['bb']);
  // Services recorded before the peer is verified count once it is.
  const late = peerAt(2000);
  net.discoverServices(late, ['aa']);
  assert.equal(net.countPeersForService('aa'), 4, 'an unverified peer is not a peer of the service');
  net.addVerifiedPeer(late);
  assert.equal(net.countPeersForService('aa'), 5, 'verifying it adds it to the services it runs');
  assert.deepEqual(ports(net.getPeersForService('aa')), [1000, 1001, 1002, 1003, 2000]);
  assert.equal(net.countPeersForService('bb'), 1, 'bb has one peer');
  assert.equal(net.countPeersForService('cc'), 0, 'an unknown service has none');

  net.removePeer(peers[1]!);
  net.removeByAddress(at(2000));
  assert.equal(net.countPeersForService('aa'), 3, 'removed peers leave the service');
  assert.deepEqual(ports(net.getPeersForService('aa')), [1000, 1002, 1003]);
  assert.equal(net.getPeersForService().length, 5, 'every verified peer when no service is given');

  // A peer that moves to another peer's address replaces it there, and in its services.
  const intruder = net.addVerifiedPeer(new Peer(PrivateKey.generate().publicKey, at(1000)))!;
  assert.ok(intruder !== peers[0], 'a different peer took the address');
  assert.deepEqual(ports(net.getPeersForService('aa')), [1002, 1003], 'the displaced peer left the service');
});

test('network: a random peer of a service is drawn among those accepted, each of them in turn', () => {
  const net = new Network();
  const peers = Array.from({ length: 40 }, (_, i) => net.addVerifiedPeer(peerAt(3000 + i))!);
  for (const p of peers) net.discoverServices(p, ['aa']);
  assert.equal(
    net.randomPeerForService('bb', () => true),
    undefined,
    'no peers: none drawn',
  );
  assert.equal(
    net.randomPeerForService('aa', () => false),
    undefined,
    'none accepted: none drawn',
  );
  // Only one peer is accepted: the draws that miss fall back to the accepted list.
  const only = peers[17]!;
  for (let i = 0; i < 20; i++) {
    assert.equal(
      net.randomPeerForService('aa', (p) => p === only),
      only,
      'the one accepted peer is drawn',
    );
  }
  // Several accepted: all of them come up over many draws, and nothing else does.
  const even = new Set(peers.filter((_, i) => i % 2 === 0));
  const seen = new Set<Peer>();
  for (let i = 0; i < 2000; i++) {
    const p = net.randomPeerForService('aa', (x) => even.has(x));
    assert.ok(p !== undefined && even.has(p), 'only accepted peers are drawn');
    seen.add(p);
  }
  assert.equal(seen.size, even.size, `every accepted peer is drawn (saw ${seen.size} of ${even.size})`);
});
