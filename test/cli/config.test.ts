// Every config field has a PEERWAY_ variable, `peerway config --schema` prints the JSON Schema
// made from the zod schemas, and docs/config.md is what that schema renders to today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { directoryLayers, registerDirectoryCommands } from '../../src/cli/commands/directory.js';
import { renderConfigDocs } from '../../src/cli/config-docs.js';
import { splitByValueSource } from '../../src/cli/serve-options.js';
import { configFields, envName, loadConfig } from '../../src/node/index.js';
import { runInProcess } from './run-cli.js';

const root = join(import.meta.dirname, '..', '..');

test('config: docs/config.md is current (run `npm run config-docs` after changing a schema)', () => {
  const docs = readFileSync(join(root, 'docs', 'config.md'), 'utf8');
  assert.equal(docs, renderConfigDocs(), 'docs/config.md differs from the schemas');
  for (const field of configFields()) {
    assert.ok(docs.includes(`\`${field.env}\``), `${field.path.join('.')} is documented`);
  }
});

test('config: `peerway config --schema` prints the JSON Schema of every section', async () => {
  const result = await runInProcess(['config', '--schema']);
  assert.equal(result.code, 0, result.stderr);
  const schema = JSON.parse(result.stdout) as {
    $schema: string;
    properties: { services: { properties: Record<string, unknown> } };
  };
  assert.match(schema.$schema, /json-schema\.org/);
  assert.deepEqual(Object.keys(schema.properties.services.properties).sort(), [
    'directory',
    'discovery',
    'multistream',
    'orderbook',
    'overlay',
  ]);
});

test('config: every field can be set from a PEERWAY_ variable named after its path', () => {
  assert.equal(envName(['services', 'directory', 'nickAuthId']), 'PEERWAY_SERVICES_DIRECTORY_NICK_AUTH_ID');
  const fields = configFields();
  assert.equal(new Set(fields.map((f) => f.env)).size, fields.length, 'no two fields share a variable');
  const config = loadConfig({
    env: {
      PEERWAY_HTTP_ENABLED: 'false',
      PEERWAY_HTTP_MAX_CONNECTIONS: '12',
      PEERWAY_SERVICES_DIRECTORY_NETWORK: 'signet',
      PEERWAY_SERVICES_DIRECTORY_TOR_CONTROL_PORT: '9151',
      PEERWAY_SERVICES_DISCOVERY_SSL_PORT: 'null',
      PEERWAY_SERVICES_DISCOVERY_SEEDS: '["a.example:50001","b.example s50002"]',
      PEERWAY_SERVICES_OVERLAY_COMMUNITIES: JSON.stringify([{ id: 'ab'.repeat(20), walk: 'edge' }]),
    },
  });
  assert.equal(config.http.enabled, false);
  assert.equal(config.http.maxConnections, 12);
  const s = config.services;
  assert.equal(s.directory!.network, 'signet');
  assert.deepEqual(s.directory!.tor, { controlHost: '127.0.0.1', controlPort: 9151 });
  assert.equal(s.discovery!.sslPort, null);
  assert.deepEqual(s.discovery!.seeds, ['a.example:50001', 'b.example s50002']);
  assert.equal((s.overlay!.communities as Array<{ walk: string }>)[0]!.walk, 'edge');
  // A value of the wrong type is reported against its variable.
  assert.throws(
    () => loadConfig({ env: { PEERWAY_SERVICES_DIRECTORY_NETWORK: 'moonnet' } }),
    /services\.directory\.network: .* \(from PEERWAY_SERVICES_DIRECTORY_NETWORK\)/,
  );
  assert.throws(
    () => loadConfig({ env: { PEERWAY_SERVICES_DISCOVERY_SEEDS: 'not json' } }),
    /services\.discovery\.seeds: expected array, received string \(from PEERWAY_SERVICES_DISCOVERY_SEEDS\)/,
  );
});

test('config: a serve command reads PEERWAY_ variables below its explicit flags', () => {
  const program = new Command('peerway').exitOverride();
  registerDirectoryCommands(program);
  const serve = program.commands[0]!.commands[0]!;
  let captured: Parameters<typeof directoryLayers>[0] | undefined;
  serve.action((flags: Parameters<typeof directoryLayers>[0]) => {
    captured = flags;
  });
  program.parse(['directory', 'serve', '--motd', 'from the flag', '--data-dir', '/srv/x'], { from: 'user' });
  assert.ok(captured !== undefined, 'the action ran');
  const env = { PEERWAY_SERVICES_DIRECTORY_NETWORK: 'regtest', PEERWAY_SERVICES_DIRECTORY_MOTD: 'from env' };
  const config = loadConfig({ env, ...splitByValueSource(serve, directoryLayers(captured)) });
  assert.equal(config.services.directory!.network, 'regtest', 'env beats a flag left at its default');
  assert.equal(config.services.directory!.motd, 'from the flag', 'a given flag beats env');
  assert.equal(config.dataDir, '/srv/x');
});
