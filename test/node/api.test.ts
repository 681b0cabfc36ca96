// The node's JSON API over real HTTP, with the real services on loopback: peer tables, adding a
// discovery peer with and without the token, overlay communities, the event stream, the dashboard
// files, and a failed service's reason.
// Tests read arbitrary fields of the JSON answers; they assert on them rather than type them.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { MakerClient, NickIdentity, parseOffer, type BitcoinNetwork } from '../../src/directory/index.js';
import { Community, Endpoint, PrivateKey, RandomWalk } from '../../src/overlay/index.js';
import { DEMO_COMMUNITY_ID, loadConfig, PeerwayNode } from '../../src/node/index.js';
import { getJson, httpGet } from './http-get.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-api-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** POSTs a JSON body (or raw text) with an optional bearer token. */
function post(
  url: string,
  body: string,
  token?: string,
): Promise<{ status: number; json: any; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const req = request(
      url,
      { method: 'POST', headers, agent: false, signal: AbortSignal.timeout(5000) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(text),
            connection: res.headers.connection,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a DELETE with the bearer token and parses the JSON answer. */
function httpDelete(url: string, token: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
        agent: false,
        signal: AbortSignal.timeout(5000),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Reads server-sent events until `want` returns true for the events so far (or the time is up). */
async function readEvents(
  url: string,
  want: (events: Map<string, any>) => boolean,
  ms = 20_000,
): Promise<Map<string, any>> {
  const events = new Map<string, any>();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const res = await fetch(url, { signal: controller.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8', 'an event stream');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (name !== undefined && data !== undefined) events.set(name, JSON.parse(data));
      }
      if (want(events)) break;
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await delay(100);
  }
}

test('api: peer tables, token-guarded add, communities, events and the dashboard over real services', async (t) => {
  const dataDir = tempDir(t);
  const node = new PeerwayNode({
    config: loadConfig({
      set: [
        `dataDir=${dataDir}`,
        'http.port=0',
        'services.directory.enabled=true',
        'services.directory.listen="127.0.0.1:0"',
        'services.discovery.enabled=true',
        'services.discovery.tcpPort=0',
        'services.discovery.sslPort=null',
        'services.discovery.privateNetwork=true',
        'services.overlay.enabled=true',
        'services.overlay.listen="127.0.0.1:0"',
        `services.overlay.communities=[{"id":"${DEMO_COMMUNITY_ID}"}]`,
        'services.multistream.enabled=true',
      ],
    }),
    eventIntervalMs: 100,
  });
  t.after(() => node.stop());
  await node.start();
  const url = node.url!;
  const services = node.services();
  assert.deepEqual(
    services.map((s) => `${s.name}:${s.state}`),
    ['directory:running', 'discovery:running', 'overlay:running', 'multistream:running'],
    'every service runs',
  );

  // The token file: written at start, owner-only.
  const token = readFileSync(node.tokenFile, 'utf8').trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.equal(statSync(node.tokenFile).mode & 0o077, 0, 'the token file is private');

  // A real maker on the node's directory shows in /api/directory/peers.
  const dirInfo = services.find((s) => s.name === 'directory')!.info as {
    listen: string;
    network: BitcoinNetwork;
  };
  const maker = new MakerClient({
    directoryServers: [dirInfo.listen],
    identity: NickIdentity.generate(),
    network: dirInfo.network,
    offers: [parseOffer('sw0reloffer 0 27300 1000000 0 0.00002')],
  });
  t.after(() => maker.stop());
  await maker.start();
  await until('the maker in the directory table', async () => {
    const { json } = await getJson(`${url}/api/directory/peers`);
    return json.peers.some((p: { nick: string }) => p.nick === maker.nick);
  });

  // Adding a discovery peer needs the token.
  const peer = JSON.stringify({ peer: '127.0.0.9 t50001' });
  const refused = await post(`${url}/api/discovery/peers`, peer);
  assert.equal(refused.status, 401, 'no token, no change');
  const wrong = await post(`${url}/api/discovery/peers`, peer, 'f'.repeat(64));
  assert.equal(wrong.status, 401, 'a wrong token is refused too');
  assert.equal((await getJson(`${url}/api/discovery/peers`)).json.peers.length, 0, 'nothing was added');
  const added = await post(`${url}/api/discovery/peers`, peer, token);
  assert.equal(added.status, 201);
  assert.deepEqual(added.json, { added: true, host: '127.0.0.9', tcpPort: 50001, sslPort: null });
  const again = await post(`${url}/api/discovery/peers`, peer, token);
  assert.equal(again.json.added, false, 'a known host is not added twice');
  const table = (await getJson(`${url}/api/discovery/peers`)).json.peers;
  assert.equal(table.length, 1);
  assert.equal(table[0].host, '127.0.0.9');
  assert.equal(table[0].source, 'api');
  // Garbage is refused with a reason; an oversized body is refused and its connection closed.
  const bad = await post(`${url}/api/discovery/peers`, JSON.stringify({ peer: 'not a peer at all' }), token);
  assert.equal(bad.status, 400);
  const notJson = await post(`${url}/api/discovery/peers`, '{"peer":', token);
  assert.equal(notJson.status, 400);
  const huge = await post(`${url}/api/discovery/peers`, JSON.stringify({ peer: 'x'.repeat(20_000) }), token);
  assert.equal(huge.status, 413);
  assert.equal(huge.connection, 'close');
  // Methods a route does not take.
  assert.equal((await post(`${url}/api/directory/peers`, '{}', token)).status, 405);
  assert.equal((await httpGet(`${url}/api/discovery/peers`, 'DELETE')).status, 405);
  // Removing a peer needs the token too; an unknown one is a 404.
  assert.equal((await httpGet(`${url}/api/discovery/peers/127.0.0.9`, 'DELETE')).status, 401, 'no token');
  const removed = await httpDelete(`${url}/api/discovery/peers/127.0.0.9`, token);
  assert.equal(removed.status, 200);
  assert.deepEqual(removed.json, { removed: true, host: '127.0.0.9' });
  assert.equal((await getJson(`${url}/api/discovery/peers`)).json.peers.length, 0, 'the peer is gone');
  assert.equal((await httpDelete(`${url}/api/discovery/peers/127.0.0.9`, token)).status, 404);
  assert.equal((await httpDelete(`${url}/api/directory/peers/x`, token)).status, 405);
  assert.equal(
    (await post(`${url}/api/discovery/peers`, peer, token)).status,
    201,
    'added back for the checks below',
  );

  // An overlay peer walks to the node; the community lists it.
  const overlayInfo = services.find((s) => s.name === 'overlay')!.info as {
    listen: { host: string; port: number };
  };
  const endpoint = new Endpoint({ host: '127.0.0.1', port: 0 });
  await endpoint.start();
  const community = new Community({
    communityId: Buffer.from(DEMO_COMMUNITY_ID, 'hex'),
    endpoint,
    key: PrivateKey.generate(),
    walkers: [{ strategy: (c) => new RandomWalk(c), targetPeers: 5 }],
    tickMs: 200,
  });
  t.after(async () => {
    await community.unload();
    await endpoint.stop();
  });
  await community.start();
  community.walkTo(overlayInfo.listen);
  const communities = (await getJson(`${url}/api/overlay/communities`)).json.communities;
  assert.equal(communities.length, 1);
  assert.equal(communities[0].id, DEMO_COMMUNITY_ID);
  await until('the overlay peer in the community', async () => {
    const { json } = await getJson(`${url}/api/overlay/communities/${DEMO_COMMUNITY_ID}/peers`);
    return json.peers.some((p: { mid: string }) => p.mid === community.myPeer.id);
  });
  assert.equal((await getJson(`${url}/api/overlay/communities/${'ab'.repeat(20)}/peers`)).status, 404);
  assert.equal((await getJson(`${url}/api/overlay/peers`)).json.peers[0].community, DEMO_COMMUNITY_ID);

  // Services without a table, or not configured, say so.
  assert.equal((await getJson(`${url}/api/multistream/peers`)).status, 404);
  assert.equal((await getJson(`${url}/api/orderbook`)).status, 404);
  assert.equal((await getJson(`${url}/api/nothing/peers`)).status, 404);

  // The event stream: the overview and each service's view, as they are.
  const events = await readEvents(
    `${url}/api/events`,
    (e) =>
      e.has('overview') &&
      e.has('directory') &&
      e.has('overlay') &&
      e.has('discovery') &&
      e.has('multistream'),
  );
  assert.equal(events.get('overview').services.directory.state, 'running');
  assert.ok(
    events.get('directory').peers.some((p: { nick: string }) => p.nick === maker.nick),
    'the directory view lists the maker',
  );
  assert.equal(events.get('discovery').servers[0].host, '127.0.0.9');
  const graph = events.get('overlay').communities[0].graph;
  assert.ok(
    graph.nodes.some(
      (n: { id: string; kind: string }) => n.id === community.myPeer.id && n.kind === 'verified',
    ),
    'the overlay graph holds the peer',
  );
  assert.deepEqual(events.get('multistream').protocols, [
    '/echo/1.0.0',
    '/ipfs/ping/1.0.0',
    '/peerway/info/1.0.0',
  ]);

  // The dashboard and the libraries it loads, from the packages' own files.
  const page = await httpGet(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.match(page.body, /<script type="module" src="\/dashboard\/app.js">/);
  for (const path of [
    '/dashboard/app.js',
    '/dashboard/style.css',
    '/vendor/uplot.js',
    '/vendor/cytoscape.js',
  ]) {
    const reply = await httpGet(`${url}${path}`);
    assert.equal(reply.status, 200, `${path} is served`);
  }
  assert.equal(
    (await httpGet(`${url}/dashboard/../../package.json`)).status,
    404,
    'no path leaves the folder',
  );
  assert.equal((await httpGet(`${url}/vendor/..%2fpackage.json`)).status, 404);
});

test('api: a service that failed answers 503 with its reason, and the overview carries it', async (t) => {
  const dataDir = tempDir(t);
  // Hold a port so the multistream service cannot bind it.
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;
  const node = new PeerwayNode({
    config: loadConfig({
      set: [
        `dataDir=${dataDir}`,
        'http.port=0',
        'services.multistream.enabled=true',
        `services.multistream.port=${port}`,
        'services.discovery.enabled=true',
        'services.discovery.tcpPort=0',
        'services.discovery.sslPort=null',
      ],
    }),
    eventIntervalMs: 100,
  });
  t.after(() => node.stop());
  await node.start();
  const reply = await getJson(`${node.url}/api/multistream/peers`);
  assert.equal(reply.status, 503);
  assert.equal(reply.json.state, 'failed');
  assert.match(reply.json.reason, /EADDRINUSE|address already in use|listen/i);
  const events = await readEvents(`${node.url}/api/events`, (e) => e.has('overview'));
  assert.equal(events.get('overview').services.multistream.state, 'failed');
  assert.match(
    events.get('overview').services.multistream.error,
    /EADDRINUSE|address already in use|listen/i,
  );
  assert.equal(events.get('overview').services.discovery.state, 'running', 'the others keep running');
});
