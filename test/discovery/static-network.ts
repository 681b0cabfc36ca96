/**
 * Many light discovery servers on 127.0.0.1 (one port each) whose peer lists are fixed: what the
 * crawler test and benchmark walk.
 */
import { RpcServer } from '../../src/discovery/rpc-server.js';
import { electrumMethods } from '../../src/discovery/electrum-methods.js';
import { buildFeatures } from '../../src/discovery/features.js';
import type { PeerTuple } from '../../src/discovery/peer-entry.js';
import { REGTEST_GENESIS } from './harness.js';

/** A running set of servers. */
export interface StaticNetwork {
  servers: RpcServer[];
  ports: number[];
  close(): Promise<void>;
}

/**
 * Starts `n` servers; server i lists the servers `links(i)` returns (by index). `tweak` may replace
 * a server's features or peers to make it misbehave.
 */
export async function startStaticNetwork(
  n: number,
  links: (i: number) => number[],
  tweak: {
    features?: (i: number, f: Record<string, unknown>) => Record<string, unknown>;
    extraPeers?: (i: number) => unknown[];
  } = {},
): Promise<StaticNetwork> {
  const servers: RpcServer[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const server: RpcServer = new RpcServer({
      handler: electrumMethods({
        features: () => {
          const f = buildFeatures({
            hosts: { '127.0.0.1': { tcpPort: ports[i] } },
            genesisHash: REGTEST_GENESIS,
            serverVersion: `static ${i}`,
            protocolMin: '1.4',
            protocolMax: '1.4.2',
          });
          return tweak.features?.(i, f) ?? f;
        },
        peers: () => [
          ...links(i)
            .filter((j) => j >= 0 && j < n)
            .map((j): PeerTuple => ['127.0.0.1', '127.0.0.1', ['v1.4.2', `t${ports[j]}`]]),
          ...((tweak.extraPeers?.(i) ?? []) as PeerTuple[]),
        ],
        softwareVersion: `static ${i}`,
        stats: {},
      }),
      limits: { idleTimeout: 30_000 },
    });
    await server.start();
    servers.push(server);
    ports.push(server.tcpPort!);
  }
  return {
    servers,
    ports,
    close: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
