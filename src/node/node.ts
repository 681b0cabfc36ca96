import { join } from 'node:path';
import {
  ErrorCodes,
  Lifecycle,
  PeerwayError,
  silentLogger,
  TypedEmitter,
  type Logger,
  type Startable,
  type Stats,
} from '../core/index.js';
import { openStoreOrRecover, type Store } from '../store/index.js';
import { writeSecretFile } from '../transport/index.js';
import { apiRoutes, createApiToken, overview } from './api.js';
import type { NodeConfig } from './config.js';
import {
  API_TOKEN_FILE,
  DATABASE_FILE,
  FILE_DESCRIPTOR_RESERVE,
  HTTP_CONNECTIONS_PER_ADDRESS_PER_SECOND,
  HTTP_IDLE_TIMEOUT_MS,
  HTTP_MAX_TRACKED_ADDRESSES,
  HTTP_MAX_PIPELINED,
  HTTP_REQUESTS_PER_ADDRESS_PER_SECOND,
  METRICS_CACHE_MS,
  SERVICE_NAME_PATTERN,
} from './constants.js';
import { createDemoService } from './demo/index.js';
import { loadDashboardFiles, type StaticFile } from './dashboard-files.js';
import { EventStream, type EventSection, type EventStreamStats } from './event-stream.js';
import { isOrderbookService } from './orderbook-service.js';
import { openFileLimit } from './file-limit.js';
import type { HttpStats } from './http-connections.js';
import { HttpServer, type Routes } from './http-server.js';
import { NodeMetrics, type MetricsSource } from './metrics.js';
import { RateHistory } from './rate-history.js';
import { RenderCache } from './render-cache.js';
import type { Service, ServiceDefinition } from './service.js';
import { ServiceHost, type ServiceStatus } from './service-host.js';
import { serviceDefinitions } from './services.js';
import { packageVersion } from './version.js';

/** Options for {@link PeerwayNode}. */
export interface PeerwayNodeInit {
  /** The validated config (see `loadConfig`). */
  config: NodeConfig;
  /** Services the config's `services` sections refer to. @default serviceDefinitions */
  definitions?: readonly ServiceDefinition[];
  /**
   * Ready-made services to run besides the configured ones (an application embedding the node,
   * tests). Each runs as if enabled. @default []
   */
  services?: readonly Service[];
  /** Where the node and its services log. @default silentLogger */
  logger?: Logger;
  /** Reported in /health. @default the package version */
  version?: string;
  /**
   * The process's open-file limit the connection caps are checked against at start.
   * @default the soft `ulimit -n`, read from the OS (no check where it cannot be read)
   */
  fileLimit?: number;
  /** Serve the dashboard at `/`. @default true */
  dashboard?: boolean;
  /** Time between event-stream updates (`/api/events`). @default EVENT_INTERVAL_MS (500 ms) */
  eventIntervalMs?: number;
  /** Most event streams open at once. @default MAX_EVENT_STREAMS (64) */
  maxEventStreams?: number;
  /** An event stream not drained for this long is closed. @default EVENT_STALL_TIMEOUT_MS (10 s) */
  eventStallTimeoutMs?: number;
}

/** The name the node's own HTTP counters carry on /metrics; no service may take it. */
const HTTP_SOURCE = 'http';

/** Events of {@link PeerwayNode}. */
export type PeerwayNodeEvents = {
  /** A service changed state (the dashboard pushes these to the browser). */
  service: [status: ServiceStatus];
};

/** The body of `GET /health`. */
export interface HealthReport {
  /** `ok` when no service has failed; `degraded` (HTTP 503) when one has, its `error` says why. */
  status: 'ok' | 'degraded';
  version: string;
  /** Seconds since start(). */
  uptime: number;
  services: Record<string, Omit<ServiceStatus, 'name'>>;
}

/**
 * The daemon: opens `<dataDir>/peerway.sqlite`, starts every enabled service, and serves
 * `GET /health`, `GET /metrics` (Prometheus) and `GET /api/services` on one HTTP port. A service
 * that fails is reported there and in the log; the others keep running.
 *
 * @example
 * ```ts
 * const node = new PeerwayNode({ config: loadConfig({ env: process.env }), logger });
 * await node.start();
 * console.log(`${node.url}/health`);
 * await node.stop();
 * ```
 */
export class PeerwayNode extends TypedEmitter<PeerwayNodeEvents> implements Startable {
  readonly #config: NodeConfig;
  readonly #definitions: readonly ServiceDefinition[];
  readonly #extra: readonly Service[];
  readonly #logger: Logger;
  readonly #version: string;
  readonly #metrics = new NodeMetrics();
  readonly #metricsText = new RenderCache(
    () => this.#metrics.render(this.#metricsSources()),
    METRICS_CACHE_MS,
  );
  readonly #fileLimit: number | undefined;
  /** Connection caps of the enabled services, by name, for the open-file check. */
  #connectionCaps: Record<string, number> = {};
  #hosts: ServiceHost[] = [];
  #store: Store | undefined;
  #http: HttpServer | undefined;
  #url: string | undefined;
  #startedAt = 0;
  #token: string | undefined;
  #events: EventStream | undefined;
  readonly #rates = new RateHistory(() => this.#messageTotals());
  readonly #dashboard: boolean;
  readonly #eventOptions: { intervalMs?: number; maxStreams?: number; stallTimeoutMs?: number };
  readonly #life = new Lifecycle(
    () => this.#open(),
    () => this.#close(),
  );

  constructor(init: PeerwayNodeInit) {
    super();
    this.#config = init.config;
    this.#definitions = init.definitions ?? serviceDefinitions;
    this.#extra = init.services ?? [];
    this.#logger = init.logger ?? silentLogger;
    this.#version = init.version ?? packageVersion();
    this.#fileLimit = init.fileLimit ?? openFileLimit();
    this.#dashboard = init.dashboard ?? true;
    this.#eventOptions = {};
    if (init.eventIntervalMs !== undefined) this.#eventOptions.intervalMs = init.eventIntervalMs;
    if (init.maxEventStreams !== undefined) this.#eventOptions.maxStreams = init.maxEventStreams;
    if (init.eventStallTimeoutMs !== undefined) this.#eventOptions.stallTimeoutMs = init.eventStallTimeoutMs;
    const names = [...this.#definitions, ...this.#extra].map((s) => s.name);
    for (const [i, name] of names.entries()) {
      if (!SERVICE_NAME_PATTERN.test(name) || names.indexOf(name) !== i || name === HTTP_SOURCE) {
        throw new PeerwayError(
          ErrorCodes.INVALID_ARGUMENT,
          `service name ${JSON.stringify(name)} is invalid or taken`,
        );
      }
    }
  }

  /**
   * `http://host:port` of the HTTP server once started (the real port when configured as 0);
   * undefined when `http.enabled` is false.
   */
  get url(): string | undefined {
    return this.#url;
  }

  /** The open database; throws ERR_CLOSED before start() or after stop(). */
  get store(): Store {
    if (this.#store === undefined || !this.#life.running) {
      throw new PeerwayError(ErrorCodes.CLOSED, 'the node is not running');
    }
    return this.#store;
  }

  /** Every service the node runs, with its state. */
  services(): ServiceStatus[] {
    return this.#hosts.map((h) => h.status());
  }

  /**
   * Where the API token is written at start (`<dataDir>/api.token`, mode 0600): requests that
   * change state (`POST /api/<service>/peers`) must send it as `Authorization: Bearer <token>`.
   */
  get tokenFile(): string {
    return join(this.#config.dataDir, API_TOKEN_FILE);
  }

  /** The event streams' counters (open, refused, stalled...); undefined without HTTP. */
  get eventStats(): EventStreamStats | undefined {
    return this.#events?.stats;
  }

  /** Bytes waiting in the event streams' write buffers (a stalled reader's cost). */
  get eventBufferedBytes(): number {
    return this.#events?.bufferedBytes ?? 0;
  }

  /** The HTTP server's counters (connections accepted, refused, evicted...); undefined without HTTP. */
  get httpStats(): HttpStats | undefined {
    return this.#http?.stats;
  }

  /** Each created service's counters by service name (what /metrics exports). */
  stats(): Record<string, Stats> {
    const out: Record<string, Stats> = {};
    for (const host of this.#hosts) if (host.stats !== undefined) out[host.name] = host.stats;
    return out;
  }

  /**
   * Opens the store, starts HTTP and then every service at once; resolves when each service is
   * running or failed. Concurrent calls share one start; rejects with ERR_CLOSED after stop(),
   * and otherwise only when the store or HTTP cannot start (everything opened is closed again).
   */
  start(): Promise<void> {
    return this.#life.start();
  }

  async #open(): Promise<void> {
    this.#startedAt = Date.now();
    const { dataDir, http } = this.#config;
    const path = join(dataDir, DATABASE_FILE);
    const store = openStoreOrRecover(path, { logger: this.#logger.child({ component: 'store' }) });
    this.#store = store;
    this.#logger.info({ path }, 'database open');
    this.#hosts = this.#createHosts(store);
    for (const host of this.#hosts) host.on('state', () => this.emit('service', host.status()));
    this.#checkFileLimit();
    if (http.enabled) {
      this.#token = createApiToken();
      writeSecretFile(this.tokenFile, `${this.#token}\n`);
      this.#events = new EventStream({
        sections: this.#sections(),
        logger: this.#logger.child({ component: 'events' }),
        ...this.#eventOptions,
      });
      this.#rates.start();
      this.#http = new HttpServer(this.#routes(), this.#logger.child({ component: 'http' }), {
        maxConnections: http.maxConnections,
        idleTimeoutMs: HTTP_IDLE_TIMEOUT_MS,
        maxPipelined: HTTP_MAX_PIPELINED,
        perAddress: {
          connectionsPerSecond: HTTP_CONNECTIONS_PER_ADDRESS_PER_SECOND,
          requestsPerSecond: HTTP_REQUESTS_PER_ADDRESS_PER_SECOND,
          maxAddresses: HTTP_MAX_TRACKED_ADDRESSES,
        },
      });
      const address = await this.#http.listen(http.host, http.port);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      this.#url = `http://${host}:${address.port}`;
      this.#logger.info({ url: this.#url }, 'http listening');
    }
    await Promise.all(this.#hosts.map((h) => h.start()));
    const failed = this.#hosts.filter((h) => h.state === 'failed').map((h) => h.name);
    this.#logger.info({ services: this.#hosts.length, failed }, 'node started');
  }

  #createHosts(store: Store): ServiceHost[] {
    const hosts: ServiceHost[] = [];
    for (const def of this.#definitions) {
      const parsed = def.schema.safeParse(this.#config.services[def.name] ?? {});
      if (parsed.success && !parsed.data.enabled) continue;
      if (parsed.success && def.connectionCap !== undefined) {
        this.#connectionCaps[def.name] = def.connectionCap(parsed.data);
      }
      const logger = this.#logger.child({ service: def.name });
      const context = { logger, dataDir: this.#config.dataDir, store };
      hosts.push(
        new ServiceHost(
          def.name,
          () => {
            if (!parsed.success) throw new PeerwayError(ErrorCodes.CONFIG_INVALID, parsed.error.message);
            return def.create(parsed.data, context);
          },
          logger,
        ),
      );
    }
    if (this.#config.demo.enabled) {
      const logger = this.#logger.child({ service: 'demo' });
      const demo = createDemoService({
        services: () => this.services(),
        dataDir: this.#config.dataDir,
        logger,
        directoryPorts: this.#config.demo.directoryPorts,
      });
      hosts.push(new ServiceHost('demo', () => demo, logger));
    }
    for (const service of this.#extra) {
      hosts.push(new ServiceHost(service.name, () => service, this.#logger.child({ service: service.name })));
    }
    return hosts;
  }

  /** Totals of messages handled by each service that counts them. */
  #messageTotals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const host of this.#hosts) {
      const count = host.service?.messageCount?.();
      if (count !== undefined) out[host.name] = count;
    }
    return out;
  }

  /** The event stream's sections: the overview, and each service's own view. */
  #sections(): Record<string, EventSection> {
    const sections: Record<string, EventSection> = {
      overview: () => overview({ hosts: () => this.#hosts, rates: this.#rates }),
    };
    for (const host of this.#hosts) {
      if (host.name === 'overview') continue;
      if (host.name === 'orderbook') {
        sections.orderbook = this.#orderbookSection(host);
        continue;
      }
      sections[host.name] = () => host.service?.view?.() ?? null;
    }
    return sections;
  }

  /**
   * The orderbook is read only after it announced a change: serializing ten thousand offers on
   * every tick would cost the node more than every page together.
   */
  #orderbookSection(host: ServiceHost): EventSection {
    let dirty = true;
    let subscribed: unknown;
    return {
      read: () => {
        const service = host.service;
        if (!isOrderbookService(service)) return null;
        if (subscribed !== service) {
          subscribed = service;
          service.subscribe(() => (dirty = true));
        }
        dirty = false;
        return service.snapshot();
      },
      changed: () => dirty || subscribed !== host.service,
    };
  }

  #routes(): Routes {
    let files: { pages: Map<string, StaticFile>; vendor: Map<string, StaticFile> } | undefined;
    if (this.#dashboard) {
      try {
        files = loadDashboardFiles();
      } catch (err) {
        this.#logger.warn({ err: String(err) }, 'dashboard not served');
      }
    }
    return {
      ...apiRoutes({
        hosts: () => this.#hosts,
        token: this.#token!,
        events: this.#events!,
        rates: this.#rates,
        files,
      }),
      '/health': () => {
        const report = this.health();
        return { json: report, status: report.status === 'ok' ? 200 : 503 };
      },
      '/metrics': async () => ({
        text: await this.#metricsText.get(),
        contentType: this.#metrics.contentType,
      }),
    };
  }

  #metricsSources(): MetricsSource[] {
    const sources: MetricsSource[] = [...this.#hosts];
    if (this.#http !== undefined) {
      sources.push({ name: HTTP_SOURCE, state: 'running', stats: { ...this.#http.stats } });
    }
    return sources;
  }

  /**
   * Every server holds a file per connection; when their caps together exceed the open-file
   * limit, a flood on one can starve the others (and the database) of files. Say so at start.
   */
  #checkFileLimit(): void {
    const caps: Record<string, number> = { ...this.#connectionCaps };
    if (this.#config.http.enabled) caps[HTTP_SOURCE] = this.#config.http.maxConnections;
    const total = Object.values(caps).reduce((a, b) => a + b, FILE_DESCRIPTOR_RESERVE);
    const limit = this.#fileLimit;
    if (limit !== undefined && total > limit) {
      this.#logger.warn(
        { caps, reserve: FILE_DESCRIPTOR_RESERVE, total, limit },
        'connection caps exceed the open-file limit: lower a cap (maxConnections) or raise ulimit -n',
      );
    }
  }

  /** The body of `GET /health`. */
  health(): HealthReport {
    const services: HealthReport['services'] = {};
    for (const { name, ...rest } of this.services()) services[name] = rest;
    const degraded = this.#hosts.some((h) => h.state === 'failed');
    return {
      status: degraded ? 'degraded' : 'ok',
      version: this.#version,
      uptime: this.#startedAt === 0 ? 0 : (Date.now() - this.#startedAt) / 1000,
      services,
    };
  }

  /**
   * Stops the services (all at once: protocol services never depend on each other), then HTTP,
   * then closes the store; idempotent, never throws.
   */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /** Also undoes a start that failed half-way (HTTP could not listen): closes what was opened. */
  async #close(): Promise<void> {
    this.#events?.close();
    this.#rates.stop();
    await Promise.all(this.#hosts.map((h) => h.stop()));
    await this.#http?.close();
    try {
      this.#store?.close();
    } catch (err) {
      this.#logger.error({ err: String(err) }, 'closing the database failed');
    }
    this.#store = undefined;
    this.#logger.info('node stopped');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
