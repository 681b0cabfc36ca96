import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PeerwayNode } from '../../src/node/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { httpGet } from './http-get.js';

// Debian ships promtool in the `prometheus` package.
const promtool = requireBinary('promtool');
const skip =
  promtool.skip === false
    ? false
    : promtool.skip.replace('apt-get install promtool', 'apt-get install prometheus');

/** Pipes `text` to `promtool check metrics`; resolves with its exit code and what it printed. */
function promtoolCheck(path: string, text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

test(
  'metrics: /metrics of a node with every service on passes promtool check metrics',
  { skip },
  async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'peerway-promtool-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const node = new PeerwayNode({
      config: loadConfig({
        set: [
          `dataDir=${dataDir}`,
          'http.port=0',
          'services.directory.enabled=true',
          'services.directory.listen=127.0.0.1:0',
          'services.directory.maker.enabled=true',
          'services.discovery.enabled=true',
          'services.discovery.tcpPort=0',
          'services.discovery.sslPort=null',
          'services.discovery.defaultPeers=false',
          'services.overlay.enabled=true',
          'services.overlay.listen=127.0.0.1:0',
        ],
      }),
    });
    t.after(() => node.stop());
    await node.start();
    const { body } = await httpGet(`${node.url}/metrics`);
    for (const service of ['directory', 'discovery', 'overlay', 'http']) {
      assert.match(body, new RegExp(`^peerway_service_up\\{service="${service}"\\} 1$`, 'm'));
    }
    // Counters are typed counter and end in _total; current values are gauges.
    assert.match(body, /^# TYPE peerway_directory_connections_total counter$/m);
    assert.match(body, /^# TYPE peerway_directory_open_connections gauge$/m);
    assert.match(body, /^# TYPE peerway_discovery_sessions_open gauge$/m);
    assert.match(body, /^# TYPE peerway_overlay_peers gauge$/m);
    assert.match(body, /^# TYPE peerway_http_requests_total counter$/m);
    // The unit is in the name.
    assert.match(body, /^peerway_directory_received_bytes_total \d+$/m);
    assert.match(body, /^peerway_overlay_sent_bytes_total \d+$/m);
    // Help is a sentence, label values snake_case.
    assert.doesNotMatch(body, /stats\./);
    for (const [, value] of body.matchAll(/^peerway_\w+\{key="([^"]*)"\}/gm))
      assert.match(value!, /^[a-z0-9_]+$/);
    for (const [, name, type] of body.matchAll(/^# TYPE (peerway_\w+) (\w+)$/gm)) {
      assert.equal(name!.endsWith('_total'), type === 'counter', `${name} is a ${type}`);
    }
    const { code, output } = await promtoolCheck(promtool.path!, body);
    assert.equal(code, 0, output);
    assert.equal(output.trim(), '');
  },
);
