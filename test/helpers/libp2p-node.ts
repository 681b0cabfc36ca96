/**
 * A js-libp2p node on 127.0.0.1 with TCP, noise, yamux, ping and echo: the stock shape interop
 * tests and the benchmark start on both sides. Which multistream-select module the node uses is
 * decided by the process's module resolution (see libp2p-alias.ts), not here.
 */
import './libp2p-polyfill.js';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { ping } from '@libp2p/ping';
import { echo } from '@libp2p/echo';

/**
 * Starts a listening node; stop it with `node.stop()`. `unthrottled` lifts the connection
 * manager's per-host inbound rate limit for loopback, so a benchmark measures the upgrade rather
 * than the limiter.
 */
export async function startNode(options: { unthrottled?: boolean } = {}) {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    ...(options.unthrottled === true
      ? {
          connectionManager: {
            allow: ['/ip4/127.0.0.1'],
            inboundConnectionThreshold: 1_000_000,
            maxIncomingPendingConnections: 1_000,
            maxConnections: 10_000,
          },
        }
      : {}),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping(), echo: echo() },
  });
}

/** A started node. */
export type Libp2pNode = Awaited<ReturnType<typeof startNode>>;
