import {
  ErrorCodes,
  PeerwayError,
  sleep,
  toPeerwayError,
  TypedEmitter,
  type Logger,
  type Stats,
} from '../core/index.js';
import { SERVICE_STOP_TIMEOUT_MS } from './constants.js';
import type { Service, ServiceState } from './service.js';

/** A snapshot of one service for /health and /api/services. */
export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** Why the service failed, when `state` is `failed`. */
  error?: string;
  /** The service's own facts (addresses, peer counts), when it offers any. */
  info?: Record<string, unknown>;
}

/**
 * Runs one service for the node and tracks its state: idle -> starting -> running -> stopping ->
 * stopped, or failed when creating, starting or stopping it throws. A failure is recorded and
 * logged, never thrown, so one broken service cannot take the others down.
 */
export class ServiceHost extends TypedEmitter<{ state: [state: ServiceState] }> {
  readonly name: string;
  #state: ServiceState = 'idle';
  #error: string | undefined;
  #service: Service | undefined;
  #stopping: Promise<void> | undefined;
  readonly #create: () => Service;
  readonly #logger: Logger;
  readonly #stopTimeoutMs: number;

  /** `create` builds the service; it runs inside {@link ServiceHost.start} so a throw is a failure. */
  constructor(
    name: string,
    create: () => Service,
    logger: Logger,
    stopTimeoutMs: number = SERVICE_STOP_TIMEOUT_MS,
  ) {
    super();
    this.name = name;
    this.#create = create;
    this.#logger = logger;
    this.#stopTimeoutMs = stopTimeoutMs;
  }

  get state(): ServiceState {
    return this.#state;
  }

  /** The running service; undefined unless {@link ServiceHost.state} is `running`. */
  get service(): Service | undefined {
    return this.#state === 'running' ? this.#service : undefined;
  }

  /** The service's counters; undefined before it was created. */
  get stats(): Stats | undefined {
    return this.#service?.stats;
  }

  /** Creates and starts the service; resolves either way (check {@link ServiceHost.state}). */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#setState('starting');
    this.#logger.info('starting');
    try {
      this.#service = this.#create();
      await this.#service.start();
    } catch (err) {
      this.#fail(
        toPeerwayError(err, ErrorCodes.SERVICE_START_FAILED, `service ${this.name} failed to start`),
      );
      return;
    }
    // stop() may have been called while start() was pending (the cast undoes TS's narrowing).
    if ((this.#state as ServiceState) === 'starting') {
      this.#setState('running');
      this.#logger.info('running');
    }
  }

  /** Stops the service (also a failed one, to release what it had opened); idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const failed = this.#state === 'failed';
    if (!failed) this.#setState('stopping');
    const service = this.#service;
    if (service !== undefined) {
      const timeout = new AbortController();
      try {
        await Promise.race([
          service.stop(),
          sleep(this.#stopTimeoutMs, { signal: timeout.signal }).then(() => {
            throw new PeerwayError(
              ErrorCodes.TIMEOUT,
              `service ${this.name} did not stop in ${this.#stopTimeoutMs} ms`,
            );
          }),
        ]);
      } catch (err) {
        this.#fail(err);
        return;
      } finally {
        timeout.abort();
      }
    }
    if (!failed) {
      this.#setState('stopped');
      this.#logger.info('stopped');
    }
  }

  #setState(state: ServiceState): void {
    this.#state = state;
    this.emit('state', state);
  }

  /** The snapshot /health shows. */
  status(): ServiceStatus {
    const status: ServiceStatus = { name: this.name, state: this.#state };
    if (this.#error !== undefined) status.error = this.#error;
    if (this.#service?.info !== undefined && this.#state === 'running') {
      try {
        status.info = this.#service.info();
      } catch (err) {
        this.#logger.warn({ err: String(err) }, 'info() threw');
      }
    }
    return status;
  }

  #fail(err: unknown): void {
    this.#setState('failed');
    this.#error = err instanceof Error ? err.message : String(err);
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
    if (cause !== undefined && cause !== this.#error) this.#error += `: ${cause}`;
    this.#logger.error({ err: this.#error }, 'service failed');
  }
}
