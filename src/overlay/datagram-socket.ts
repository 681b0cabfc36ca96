import dgram from 'node:dgram';
import { once } from 'node:events';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import type { UdpAddress } from './address.js';

/**
 * The few things the overlay needs from a UDP socket. Kept small so the endpoint can move onto
 * the shared transport/udp endpoint without changes to the protocol code.
 */
export interface DatagramSocket {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: UdpAddress;
  /** Sends one datagram; errors are reported through `onError`, never thrown. */
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
  /** SO_RCVBUF in bytes (py-ipv8 asks for 870400). @default 870400 */
  receiveBufferSize?: number;
}

/** Binds a node:dgram IPv4 socket. Rejects with ERR_LISTEN_FAILED. */
export async function bindDatagramSocket(
  handlers: DatagramHandlers,
  options: BindDatagramOptions = {},
): Promise<DatagramSocket> {
  const host = options.host ?? '0.0.0.0';
  const socket = dgram.createSocket({ type: 'udp4' });
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void =>
    handlers.onMessage(msg, { host: rinfo.address, port: rinfo.port });
  try {
    socket.bind(options.port ?? 0, host);
    await once(socket, 'listening');
  } catch (err) {
    socket.close();
    throw new PeerwayError(ErrorCodes.LISTEN_FAILED, `cannot bind UDP ${host}:${options.port ?? 0}`, {
      cause: err,
    });
  }
  try {
    socket.setRecvBufferSize(options.receiveBufferSize ?? 870_400);
  } catch {
    // The OS may cap the buffer; the default still works.
  }
  socket.on('message', onMessage);
  const onError = (err: Error): void => handlers.onError(err);
  socket.on('error', onError);
  const bound = socket.address();
  let closing: Promise<void> | undefined;
  return {
    address: { host: bound.address, port: bound.port },
    send(data, to) {
      socket.send(data, to.port, to.host, (err) => {
        if (err) handlers.onError(err);
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        socket.off('message', onMessage);
        socket.close(() => {
          socket.off('error', onError);
          resolve();
        });
      });
      return closing;
    },
  };
}
