import { UdpEndpoint } from '../transport/index.js';
import type { UdpAddress } from './address.js';
import { MAX_DATAGRAM_SIZE } from './constants.js';

/**
 * The few things the overlay needs from a UDP socket: kept small so protocol code does not depend
 * on the transport's wider surface.
 */
export interface DatagramSocket {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: UdpAddress;
  /** Sends one datagram; failures are counted by the transport, never thrown. */
  send(data: Uint8Array, to: UdpAddress): void;
  /** Closes the socket; idempotent. */
  close(): Promise<void>;
}

/** Callbacks a {@link DatagramSocket} delivers to. */
export interface DatagramHandlers {
  readonly onMessage: (data: Uint8Array, from: UdpAddress) => void;
  readonly onError: (err: Error) => void;
}

/** Options for {@link bindDatagramSocket}. */
export interface BindDatagramOptions {
  /** Interface to bind. @default '0.0.0.0' */
  host?: string;
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number;
  /** On an IPv6 wildcard socket, refuse IPv4 traffic. @default false */
  ipv6Only?: boolean;
  /** Larger inbound datagrams are dropped by the transport. @default 65507 */
  maxDatagramSize?: number;
}

/**
 * Binds the shared transport's {@link UdpEndpoint}. Rejects with ERR_LISTEN_FAILED. The
 * transport counts its own send failures; an oversize send is reported through `onError`.
 */
export async function bindDatagramSocket(
  handlers: DatagramHandlers,
  options: BindDatagramOptions = {},
): Promise<DatagramSocket> {
  const udp = new UdpEndpoint({
    host: options.host ?? '0.0.0.0',
    port: options.port ?? 0,
    ipv6Only: options.ipv6Only ?? false,
    maxDatagramSize: options.maxDatagramSize ?? MAX_DATAGRAM_SIZE,
  });
  udp.on('message', (data, from) => handlers.onMessage(data, { host: from.host, port: from.port }));
  await udp.start();
  const { host, port } = udp.address;
  return {
    address: { host, port },
    send(data, to) {
      try {
        if (!udp.send(data, to.host, to.port)) handlers.onError(new Error('send refused'));
      } catch (err) {
        handlers.onError(err instanceof Error ? err : new Error(String(err)));
      }
    },
    close: () => udp.stop(),
  };
}
