/**
 * The `multistream` service: a TCP listener that negotiates multistream-select 1.0 and offers a
 * few small protocols (echo, ping, the node's info), with a log of recent negotiations.
 *
 * @module
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { bump, isPeerwayError } from '../core/index.js';
import { Multiselect, type ProtocolHandler } from '../multistream/index.js';
import { listenTcp, type TcpListener } from '../transport/index.js';
import type { Service, ServiceDefinition } from './service.js';

/** Protocols the service can offer, by id. */
export const MULTISTREAM_PROTOCOLS = ['/echo/1.0.0', '/ipfs/ping/1.0.0', '/peerway/info/1.0.0'] as const;

/** Most bytes an echo stream answers before it is closed. */
export const ECHO_MAX_BYTES = 64 * 1024;
/** A protocol stream with no traffic for this long is closed. */
export const STREAM_IDLE_MS = 30_000;
/** libp2p ping's payload size. */
const PING_SIZE = 32;
/** Negotiations the dashboard's log keeps. */
export const NEGOTIATION_HISTORY = 50;

/** The `services.multistream` config section. */
export const multistreamConfigSchema = z.object({
  enabled: z.boolean().default(false),
  /** Interface to listen on. */
  host: z.string().default('127.0.0.1'),
  /** TCP port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Protocols to offer. */
  protocols: z
    .array(z.enum(MULTISTREAM_PROTOCOLS))
    .min(1)
    .default([...MULTISTREAM_PROTOCOLS]),
  /** Most connections at once. */
  maxConnections: z.number().int().min(1).default(256),
  /** Negotiation deadline in ms. */
  timeoutMs: z.number().int().min(100).default(10_000),
});

/** The validated `services.multistream` config. */
export type MultistreamConfig = z.infer<typeof multistreamConfigSchema>;

/** One negotiation as the dashboard lists it. */
export interface NegotiationRecord {
  /** Unix milliseconds. */
  time: number;
  remote: string;
  /** The agreed protocol, or null when negotiation failed. */
  protocol: string | null;
  /** The error code when it failed. */
  error?: string;
}

/** Echo: sends back what it reads, up to {@link ECHO_MAX_BYTES}. */
const echo: ProtocolHandler = (stream) => {
  let total = 0;
  stream.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > ECHO_MAX_BYTES) stream.destroy();
    else stream.write(chunk);
  });
  stream.on('end', () => stream.end());
};

/** libp2p ping: echoes each 32-byte payload. */
const ping: ProtocolHandler = (stream) => {
  let pending = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= PING_SIZE) {
      stream.write(pending.subarray(0, PING_SIZE));
      pending = pending.subarray(PING_SIZE);
    }
  });
  stream.on('end', () => stream.end());
};

/**
 * The node's multistream-select listener.
 *
 * @example
 * ```json
 * { "services": { "multistream": { "enabled": true, "port": 4001 } } }
 * ```
 */
export const multistreamServiceDefinition: ServiceDefinition<MultistreamConfig> = {
  name: 'multistream',
  schema: multistreamConfigSchema,
  connectionCap: (config) => config.maxConnections,
  create(config, ctx): Service {
    let listener: TcpListener | undefined;
    let stopping: Promise<void> | undefined;
    const log: NegotiationRecord[] = [];
    const byProtocol: Record<string, number> = {};
    const record = (entry: NegotiationRecord): void => {
      log.push(entry);
      if (log.length > NEGOTIATION_HISTORY) log.shift();
    };
    const info: ProtocolHandler = (stream) => {
      stream.on('error', () => {});
      stream.end(`${JSON.stringify({ protocols: mss.getProtocols(), node: 'peerway' })}\n`);
    };
    const handlers: Record<string, ProtocolHandler> = {
      '/echo/1.0.0': echo,
      '/ipfs/ping/1.0.0': ping,
      '/peerway/info/1.0.0': info,
    };
    const mss = new Multiselect({ timeout: config.timeoutMs, logger: ctx.logger });
    for (const p of config.protocols) mss.addHandler(p, handlers[p]!);
    const onConnection = (socket: Socket): void => {
      const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
      socket.on('error', () => {});
      socket.setTimeout(STREAM_IDLE_MS, () => socket.destroy());
      mss.handle(socket as Duplex).then(
        (protocol) => {
          bump(byProtocol, protocol);
          record({ time: Date.now(), remote, protocol });
        },
        (err: unknown) => {
          record({
            time: Date.now(),
            remote,
            protocol: null,
            error: isPeerwayError(err) ? err.code : 'unknown',
          });
          socket.destroy();
        },
      );
    };
    return {
      name: 'multistream',
      async start() {
        listener = await listenTcp(onConnection, {
          host: config.host,
          port: config.port,
          maxConnections: config.maxConnections,
        });
        ctx.logger.info({ host: listener.host, port: listener.port }, 'multistream listening');
      },
      stop() {
        stopping ??= listener?.close() ?? Promise.resolve();
        return stopping;
      },
      get stats() {
        return { ...mss.stats, failed: { ...mss.stats.failed }, byProtocol: { ...byProtocol } };
      },
      messageCount() {
        return mss.stats.negotiated + mss.stats.na + mss.stats.ls;
      },
      info() {
        return {
          host: listener?.host ?? config.host,
          port: listener?.port ?? null,
          protocols: mss.getProtocols(),
        };
      },
      view() {
        return {
          host: listener?.host ?? config.host,
          port: listener?.port ?? null,
          protocols: mss.getProtocols(),
          negotiated: mss.stats.negotiated,
          na: mss.stats.na,
          failed: { ...mss.stats.failed },
          byProtocol: { ...byProtocol },
          recent: log,
        };
      },
    };
  },
};
