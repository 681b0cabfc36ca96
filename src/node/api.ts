import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCodes, isPeerwayError } from '../core/index.js';
import type { StaticFile } from './dashboard-files.js';
import type { EventStream } from './event-stream.js';
import { isOrderbookService } from './orderbook-service.js';
import type { RouteRequest, RouteResult, Routes } from './http-server.js';
import type { RateHistory } from './rate-history.js';
import type { ServiceHost } from './service-host.js';

/** What the API routes read. */
export interface ApiContext {
  hosts: () => readonly ServiceHost[];
  /** The token state-changing requests must carry. */
  token: string;
  events: EventStream;
  rates: RateHistory;
  files: { pages: Map<string, StaticFile>; vendor: Map<string, StaticFile> } | undefined;
}

/** A fresh API token: 32 random bytes in hex. */
export function createApiToken(): string {
  return randomBytes(32).toString('hex');
}

/** True when the request carries `Authorization: Bearer <token>` with the node's token. */
export function hasToken(req: RouteRequest, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim(), 'utf8');
  const expected = Buffer.from(token, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function error(status: number, message: string): RouteResult {
  return { json: { error: message }, status };
}

function file(f: StaticFile | undefined): RouteResult {
  if (f === undefined) return error(404, 'not found');
  return { text: f.body, contentType: f.contentType };
}

/** One service's status with its stats, as `/api/services` and the overview show it. */
function serviceEntry(host: ServiceHost): Record<string, unknown> {
  return { ...host.status(), stats: host.stats ?? {} };
}

/** The overview section: every service and the message rates. */
export function overview(ctx: Pick<ApiContext, 'hosts' | 'rates'>): unknown {
  return {
    services: Object.fromEntries(ctx.hosts().map((h) => [h.name, serviceEntry(h)])),
    rates: ctx.rates.snapshot(),
  };
}

/**
 * The node's JSON API and dashboard routes (documented in docs/api.md). Reads go to the service
 * by name; a service that is not configured answers 404, one that is not running 503 with its
 * state and reason.
 */
export function apiRoutes(ctx: ApiContext): Routes {
  const running = (name: string): { service?: NonNullable<ServiceHost['service']>; fail?: RouteResult } => {
    const host = ctx.hosts().find((h) => h.name === name);
    if (host === undefined) return { fail: error(404, `service ${name} is not configured`) };
    const service = host.service;
    if (service === undefined) {
      const status = host.status();
      return {
        fail: {
          json: { error: `service ${name} is ${status.state}`, state: status.state, reason: status.error },
          status: 503,
        },
      };
    }
    return { service };
  };
  const routes: Routes = {
    '/api/services': () => ({
      json: { services: Object.fromEntries(ctx.hosts().map((h) => [h.name, serviceEntry(h)])) },
    }),
    '/api/events': { stream: (req, res) => ctx.events.accept(req, res) },
    '/api/orderbook': () => {
      const { service, fail } = running('orderbook');
      if (fail !== undefined) return fail;
      if (!isOrderbookService(service)) return error(501, 'the orderbook service has no book');
      return { json: service.snapshot() };
    },
    '/api/:service/peers': {
      get: (req) => {
        const { service, fail } = running(req.params.service!);
        if (fail !== undefined) return fail;
        if (service!.peers === undefined)
          return error(404, `service ${req.params.service} has no peer table`);
        return { json: { peers: service!.peers() } };
      },
      post: async (req) => {
        if (!hasToken(req, ctx.token))
          return error(401, 'missing or wrong API token (see api.token in the data directory)');
        const { service, fail } = running(req.params.service!);
        if (fail !== undefined) return fail;
        if (service!.addPeer === undefined)
          return error(405, `service ${req.params.service} does not add peers`);
        try {
          return { json: await service!.addPeer(req.body), status: 201 };
        } catch (err) {
          if (isPeerwayError(err) && err.code === ErrorCodes.INVALID_ARGUMENT) return error(400, err.message);
          throw err;
        }
      },
    },
    '/api/:service/peers/:id': {
      delete: async (req) => {
        if (!hasToken(req, ctx.token))
          return error(401, 'missing or wrong API token (see api.token in the data directory)');
        const { service, fail } = running(req.params.service!);
        if (fail !== undefined) return fail;
        if (service!.removePeer === undefined)
          return error(405, `service ${req.params.service} does not remove peers`);
        let id: string;
        try {
          id = decodeURIComponent(req.params.id!);
        } catch {
          return error(400, 'the peer id is not valid percent-encoding');
        }
        const removed = await service!.removePeer(id);
        if (removed === undefined) return error(404, `no peer ${id}`);
        return { json: removed };
      },
    },
    '/api/:service/communities': (req) => {
      const { service, fail } = running(req.params.service!);
      if (fail !== undefined) return fail;
      if (service!.communities === undefined)
        return error(404, `service ${req.params.service} has no communities`);
      return { json: { communities: service!.communities() } };
    },
    '/api/:service/communities/:id/peers': (req) => {
      const { service, fail } = running(req.params.service!);
      if (fail !== undefined) return fail;
      const peers = service!.communityPeers?.(req.params.id!);
      if (peers === undefined) return error(404, `no community ${req.params.id}`);
      return { json: { peers } };
    },
  };
  if (ctx.files !== undefined) {
    const { pages, vendor } = ctx.files;
    routes['/'] = () => file(pages.get('index.html'));
    routes['/dashboard/*'] = (req) => file(pages.get(req.params['*']!));
    routes['/vendor/*'] = (req) => file(vendor.get(req.params['*']!));
  }
  return routes;
}
