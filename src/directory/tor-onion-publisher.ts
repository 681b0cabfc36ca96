/**
 * Publishes a directory as an onion service through tor's control port: virtual port 5222 to
 * the local listener, with the service key kept in a file so the address survives restarts.
 *
 * @module
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { connectTorControl, type TorControl } from '../transport/index.js';
import { ONION_VIRTUAL_PORT } from './constants.js';
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

async function readKey(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
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
      const timeout = init.timeout ?? 30_000;
      const control: TorControl = await connectTorControl({
        host: init.controlHost ?? '127.0.0.1',
        port: init.controlPort ?? 9051,
        timeout,
        signal: options.signal,
      });
      try {
        const auth: { password?: string; signal?: AbortSignal; timeout: number } = { timeout };
        if (init.controlPassword !== undefined) auth.password = init.controlPassword;
        if (options.signal !== undefined) auth.signal = options.signal;
        await control.authenticate(auth);
        const stored = await readKey(init.keyFile);
        const service = await control.addOnion({
          key: stored ?? 'NEW:ED25519-V3',
          ports: [{ virtualPort, target: `${localHost}:${localPort}` }],
          timeout,
        });
        if (stored === undefined && service.privateKey !== undefined) {
          await mkdir(dirname(init.keyFile), { recursive: true });
          await writeFile(init.keyFile, service.privateKey + '\n', { mode: 0o600 });
          await chmod(init.keyFile, 0o600);
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
