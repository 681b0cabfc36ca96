import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricName, NodeMetrics } from '../../src/node/metrics.js';

test('metrics: counter names become Prometheus snake_case under peerway_<service>_', () => {
  assert.equal(metricName('directory', 'accepted'), 'peerway_directory_accepted');
  assert.equal(metricName('directory', 'bytesIn'), 'peerway_directory_bytes_in');
  assert.equal(metricName('overlay', 'introRequests2Sent'), 'peerway_overlay_intro_requests2_sent');
  assert.equal(metricName('discovery', 'add-peer.ok'), 'peerway_discovery_add_peer_ok');
});

test('metrics: keys a service stops reporting disappear, non-finite values are skipped', async () => {
  const metrics = new NodeMetrics();
  const stats: Record<string, number | Record<string, number>> = { sent: 1, dropped: { a: 1, b: 2 } };
  const source = { name: 'svc', state: 'running', stats };
  let text = await metrics.render([source]);
  assert.match(text, /^peerway_svc_dropped\{key="b"\} 2$/m);
  delete (stats.dropped as Record<string, number>).b;
  stats.sent = Number.NaN;
  text = await metrics.render([source]);
  assert.doesNotMatch(text, /key="b"/);
  assert.match(text, /^peerway_svc_dropped\{key="a"\} 1$/m);
  assert.doesNotMatch(text, /^peerway_svc_sent /m);
  assert.match(text, /^peerway_service_up\{service="svc"\} 1$/m);
});
