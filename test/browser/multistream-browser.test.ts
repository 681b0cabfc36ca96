/**
 * The portable multistream core in a real browser: the drop-in (`peerway/multistream/libp2p`) and
 * every module it imports are compiled to plain ES modules, served over HTTP to headless
 * chromium, and a page negotiates over WebSockets against a Node listener (peerway's Node Duplex
 * listener on the ws package's stream): the drop-in's select on a js-libp2p-shaped stream, the
 * communicator on an async iterable, and a refusal mapped to py-libp2p's client error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import ts from 'typescript';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { Multiselect } from '../../src/multistream/index.js';
import { importClosure, type SourceFile } from '../helpers/import-rules.js';
import { launchChromium } from '../helpers/chromium.js';

const SRC = 'src';

function listSources(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (name.endsWith('.ts'))
      out.push({ path: relative(SRC, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
  }
  return out;
}

/** The drop-in and what it imports, compiled one file at a time to ES modules, by URL path. */
function compilePortable(): Map<string, string> {
  const sources = listSources(SRC);
  const byPath = new Map(sources.map((f) => [f.path, f.text]));
  const out = new Map<string, string>();
  for (const path of importClosure(sources, ['multistream/libp2p.ts'])) {
    const { outputText } = ts.transpileModule(byPath.get(path)!, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: path,
    });
    out.set(`/src/${path.replace(/\.ts$/, '.js')}`, outputText);
  }
  const page = readFileSync(new URL('./multistream-page.ts', import.meta.url), 'utf8');
  out.set(
    '/page.js',
    ts.transpileModule(page, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText,
  );
  return out;
}

test('browser: the drop-in and the communicator negotiate from chromium with a Node listener', async () => {
  const modules = compilePortable();
  const http = createServer((req, res) => {
    const body = req.url === '/' ? '<!doctype html><title>peerway</title>' : modules.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
  });
  const mss = new Multiselect({
    handlers: {
      '/echo/1.0.0': (s) => {
        s.on('error', () => {});
        s.pipe(s);
      },
    },
    timeout: 10_000,
  });
  const wss = new WebSocketServer({ server: http, path: '/mss' });
  const negotiated: string[] = [];
  wss.on('connection', (ws) => {
    const duplex = createWebSocketStream(ws);
    duplex.on('error', () => {});
    mss.handle(duplex).then(
      (p) => negotiated.push(p),
      () => negotiated.push('failed'),
    );
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(`http://127.0.0.1:${port}/`);
    // A string, so that the test's own loader never rewrites the code the page runs.
    const result = await page.evaluate<Record<string, unknown>>(
      `import('/page.js').then((page) => page.run('ws://127.0.0.1:${port}/mss'))`,
    );
    assert.deepEqual(errors, [], 'no errors in the page');
    assert.equal(result['hasBuffer'], false, 'the page has no Buffer: the core did not need one');
    assert.equal(result['hasProcess'], false, 'the page has no process object');
    assert.equal(result['protocol'], '/echo/1.0.0');
    assert.equal(result['echoed'], 'hello, browser');
    assert.equal(result['handshake'], true);
    assert.equal(result['refusal'], 'na');
    assert.equal(result['echo'], '/echo/1.0.0');
    assert.equal(result['refused'], 'UnsupportedProtocolError');
    assert.equal(result['kind'], 'MultiselectClientError');
    assert.ok(mss.stats.na >= 3, `the Node listener refused the three unknown proposals: ${mss.stats.na}`);
    assert.ok(
      negotiated.filter((p) => p === '/echo/1.0.0').length >= 2,
      `negotiated: ${negotiated.join(', ')}`,
    );
  } finally {
    await browser.close();
    for (const client of wss.clients) client.terminate();
    wss.close();
    http.closeAllConnections();
    http.close();
  }
});
