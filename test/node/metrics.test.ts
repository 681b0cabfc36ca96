import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricShape } from '../../src/node/metric-naming.js';
import { NodeMetrics } from '../../src/node/metrics.js';

const nameOf = (service: string, stat: string, gauge = false): string =>
  metricShape(service, stat, gauge).name;

test('metrics: stat names become Prometheus snake_case under peerway_<service>_, counters with _total', () => {
  assert.equal(nameOf('directory', 'accepted'), 'peerway_directory_accepted_total');
  assert.equal(nameOf('directory', 'connectionsTotal'), 'peerway_directory_connections_total');
  assert.equal(nameOf('directory', 'connections', true), 'peerway_directory_open_connections');
  assert.equal(nameOf('overlay', 'introRequests2Sent'), 'peerway_overlay_intro_requests2_sent_total');
  assert.equal(nameOf('discovery', 'add-peer.ok'), 'peerway_discovery_add_peer_ok_total');
});

test('metrics: the unit goes last in base units: bytes, and milliseconds as seconds', () => {
  assert.equal(nameOf('directory', 'bytesIn'), 'peerway_directory_received_bytes_total');
  assert.equal(nameOf('overlay', 'bytes_sent'), 'peerway_overlay_sent_bytes_total');
  const busy = metricShape('svc', 'busyMs', false);
  assert.deepEqual([busy.name, busy.scale], ['peerway_svc_busy_seconds_total', 1 / 1000]);
  assert.equal(busy.help, "The svc service's busy seconds, counted since it started.");
});

test('metrics: counters and gauges are typed, nested keys are snake_case labels', async () => {
  const metrics = new NodeMetrics();
  const stats = { peers: 4, bytesIn: 10, waitMs: 1500, sessions: { open: 2, refusedPerSource: 3 } };
  const text = await metrics.render([{ name: 'svc', state: 'running', stats }]);
  assert.match(text, /^# TYPE peerway_svc_peers gauge\npeerway_svc_peers 4$/m);
  assert.match(
    text,
    /^# TYPE peerway_svc_received_bytes_total counter\npeerway_svc_received_bytes_total 10$/m,
  );
  assert.match(text, /^peerway_svc_wait_seconds_total 1.5$/m);
  assert.match(text, /^# TYPE peerway_svc_sessions_open gauge\npeerway_svc_sessions_open 2$/m);
  assert.match(text, /^peerway_svc_sessions_total\{key="refused_per_source"\} 3$/m);
});

test('metrics: keys a service stops reporting disappear, non-finite values are skipped', async () => {
  const metrics = new NodeMetrics();
  const stats: Record<string, number | Record<string, number>> = { sent: 1, dropped: { a: 1, b: 2 } };
  const source = { name: 'svc', state: 'running', stats };
  let text = await metrics.render([source]);
  assert.match(text, /^peerway_svc_dropped_total\{key="b"\} 2$/m);
  delete (stats.dropped as Record<string, number>).b;
  stats.sent = Number.NaN;
  text = await metrics.render([source]);
  assert.doesNotMatch(text, /key="b"/);
  assert.match(text, /^peerway_svc_dropped_total\{key="a"\} 1$/m);
  assert.doesNotMatch(text, /^peerway_svc_sent_total /m);
  assert.match(text, /^peerway_service_up\{service="svc"\} 1$/m);
});
