/**
 * Publishes a directory or a maker as an onion service through tor's control port: virtual port 5222 to
 * the local listener, with the service key kept in a file so the address survives restarts.
 *
 * @module
 */
import { TOR_CONTROL_PORT, TOR_CONTROL_TIMEOUT_MS } from './constants.js';
import { DEFAULT_LISTEN_HOST, ONION_VIRTUAL_PORT } from '../wire/index.js';
import { existsSync } from 'node:fs';
import {
  connectTorControl,
  loadOrCreateSecret,
  writeSecretFile,
  type TorControl,
} from '../../transport/index.js';
import type { OnionPublisher, PublishedOnion } from './onion-publisher.js';

/** Options for {@link createTorOnionPublisher}. */
export interface TorOnionPublisherInit {
  /** Control port host. @default '127.0.0.1' */
  controlHost?: string;
  /** Control port. @default 9051 */
  controlPort?: number;
  /** Control password (HashedControlPassword); cookie auth is used otherwise. @default none */
  controlPassword?: string;
  /**
   * File holding the service key (`ED25519-V3:...`), created with mode 0600 on first use; the
   * same file gives the same address next time.
   */
  keyFile: string;
  /** Advertised (virtual) port. @default 5222 */
  virtualPort?: number;
  /** Control-port command timeout, ms. @default 30000 */
  timeout?: number;
}

/**
 * The stored service key, or undefined when there is none yet (tor makes the key, so there is
 * nothing to create here). A key file others can read is refused (`ERR_SECRET_FILE`).
 */
function readKey(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return loadOrCreateSecret<string | undefined>(path, {
    decode: (bytes) => {
      const text = bytes.toString('utf8').trim();
      return text === '' ? undefined : text;
    },
    // Only reached if the file vanished since the check: leave an empty one, which reads as no key.
    create: () => ({ value: undefined, bytes: '' }),
  });
}

/**
 * A publisher that keeps one control connection open per published service (the service lives
 * as long as it) and removes the service on close.
 *
 * @example
 * ```ts
 * const onion = createTorOnionPublisher({ controlPort: 9051, keyFile: join(dataDir, 'directory-onion.key') });
 * const server = new DirectoryServer({ port: 8080, onion });
 * await server.start(); // server.location is now '<56 chars>.onion:5222'
 * ```
 */
export function createTorOnionPublisher(init: TorOnionPublisherInit): OnionPublisher {
  const virtualPort = init.virtualPort ?? ONION_VIRTUAL_PORT;
  return {
    async publish(localHost, localPort, options = {}): Promise<PublishedOnion> {
      const timeout = init.timeout ?? TOR_CONTROL_TIMEOUT_MS;
      const control: TorControl = await connectTorControl({
        host: init.controlHost ?? DEFAULT_LISTEN_HOST,
        port: init.controlPort ?? TOR_CONTROL_PORT,
        timeout,
        signal: options.signal,
      });
      try {
        const auth: { password?: string; signal?: AbortSignal; timeout: number } = { timeout };
        if (init.controlPassword !== undefined) auth.password = init.controlPassword;
        if (options.signal !== undefined) auth.signal = options.signal;
        await control.authenticate(auth);
        const stored = readKey(init.keyFile);
        const service = await control.addOnion({
          key: stored ?? 'NEW:ED25519-V3',
          ports: [{ virtualPort, target: `${localHost}:${localPort}` }],
          timeout,
        });
        if (stored === undefined && service.privateKey !== undefined) {
          writeSecretFile(init.keyFile, service.privateKey + '\n');
        }
        let closing: Promise<void> | undefined;
        return {
          hostname: service.address,
          port: virtualPort,
          close: () =>
            (closing ??= control
              .delOnion(service.serviceId, { timeout: 5000 })
              .catch(() => {})
              .finally(() => control.close())),
        };
      } catch (err) {
        await control.close();
        throw err;
      }
    },
  };
}
