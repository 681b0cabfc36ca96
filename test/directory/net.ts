/** Small shared pieces of the directory socket tests. */
import { DirectoryClient } from '../../src/directory/client/client.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatClientHandshake, type Features } from '../../src/directory/wire/handshake.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { RawPeer } from './raw-peer.js';

/** A 793 line for a raw peer. */
export function handshakeText(
  nick: string,
  options: { features?: Features; location?: string; network?: string } = {},
): string {
  return encodeEnvelope(
    793,
    formatClientHandshake({
      nick,
      location: options.location ?? 'NOT-SERVING-ONION',
      features: options.features ?? {},
      network: options.network ?? 'signet',
    }),
  );
}

/** Connects a raw peer and completes its handshake; returns it with its 795 parsed. */
export async function rawJoin(
  port: number,
  nick: string = NickIdentity.generate().nick,
  options: { features?: Features; location?: string } = {},
): Promise<RawPeer> {
  const peer = await RawPeer.connect(port);
  peer.send(handshakeText(nick, options));
  const reply = JSON.parse(await peer.next()) as { type: number; line: string };
  if (reply.type !== 795 || !(JSON.parse(reply.line) as { accepted: boolean }).accepted) {
    throw new Error('raw join rejected');
  }
  return peer;
}

/** Waits until `cond()` holds (polling), or throws after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts a directory on a free loopback port (network signet). */
export async function startServer(
  init: ConstructorParameters<typeof DirectoryServer>[0] = {},
): Promise<DirectoryServer> {
  const server = new DirectoryServer({ port: 0, network: 'signet', ...init });
  await server.start();
  return server;
}

export function client(
  server: DirectoryServer,
  identity = NickIdentity.generate(),
  extra = {},
): DirectoryClient {
  return new DirectoryClient({
    host: '127.0.0.1',
    port: server.address.port,
    identity,
    network: 'signet',
    ...extra,
  });
}
