import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { ErrorCodes, isPeerwayError, type PeerwayError } from '../../src/core/index.js';
import {
  createConfigSchema,
  loadConfig,
  unknownEnvironmentVariables,
  type ServiceDefinition,
} from '../../src/node/index.js';
import { validateLayers } from '../../src/node/config-load.js';
import { serviceDefinitions } from '../../src/node/services.js';

const discovery: ServiceDefinition<{ enabled: boolean; tcpPort: number; seeds: string[] }> = {
  name: 'discovery',
  schema: z
    .object({
      enabled: z.boolean().default(false),
      tcpPort: z.number().int().default(50001),
      seeds: z.array(z.string()).default([]),
    })
    .strict(),
  create: () => {
    throw new Error('not used');
  },
};
const directory: ServiceDefinition = {
  name: 'directory',
  schema: z.object({ enabled: z.boolean().default(true) }),
  create: () => {
    throw new Error('not used');
  },
};
const definitions = [discovery, directory];

function configFile(t: { after(fn: () => void): void }, content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'peerway.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(f: () => unknown, code: string = ErrorCodes.CONFIG_INVALID): PeerwayError {
  try {
    f();
  } catch (err) {
    if (isPeerwayError(err) && err.code === code) return err;
    throw err;
  }
  assert.fail('expected a config error');
}

test('config: defaults fill every field, services get their own defaults', () => {
  assert.deepEqual(loadConfig({ definitions }), {
    dataDir: 'data',
    http: { enabled: true, maxConnections: 256, host: '127.0.0.1', port: 8480 },
    log: { level: 'info' },
    demo: { enabled: false, directoryPorts: [0, 0] },
    services: {
      discovery: { enabled: false, tcpPort: 50001, seeds: [] },
      directory: { enabled: true },
    },
  });
  // With the built-in definitions, every registered service gets a section, off by default.
  const builtIn = loadConfig().services as Record<string, { enabled: boolean }>;
  assert.deepEqual(Object.keys(builtIn).sort(), serviceDefinitions.map((d) => d.name).sort());
  for (const section of Object.values(builtIn)) assert.equal(section.enabled, false);
});

test('config: file, then environment, then flags, then --set', (t) => {
  const file = configFile(t, {
    dataDir: 'from-file',
    http: { port: 1000, host: '127.0.0.2' },
    log: { level: 'debug' },
    services: { discovery: { enabled: true, tcpPort: 1 } },
  });
  const fileOnly = loadConfig({ file, definitions });
  assert.equal(fileOnly.dataDir, 'from-file');
  assert.deepEqual(fileOnly.http, { enabled: true, maxConnections: 256, host: '127.0.0.2', port: 1000 });
  assert.deepEqual(fileOnly.services.discovery, { enabled: true, tcpPort: 1, seeds: [] });

  const env = { PEERWAY_DATA_DIR: 'from-env', PEERWAY_HTTP_PORT: '2000', PEERWAY_LOG_LEVEL: 'warn' };
  const withEnv = loadConfig({ file, env, definitions });
  assert.equal(withEnv.dataDir, 'from-env');
  assert.deepEqual(withEnv.http, { enabled: true, maxConnections: 256, host: '127.0.0.2', port: 2000 });
  assert.equal(withEnv.log.level, 'warn');

  const layers = [{ source: '--http-port', values: { http: { port: 3000 } } }];
  const withFlags = loadConfig({ file, env, layers, definitions });
  assert.deepEqual(withFlags.http, { enabled: true, maxConnections: 256, host: '127.0.0.2', port: 3000 });
  assert.equal(withFlags.dataDir, 'from-env');

  const set = [
    'http.port=4000',
    'services.directory.enabled=false',
    'services.discovery.seeds=["a:1"]',
    'dataDir=/x/y',
  ];
  const all = loadConfig({ file, env, layers, set, definitions });
  assert.equal(all.http.port, 4000);
  assert.equal(all.dataDir, '/x/y');
  assert.deepEqual(all.services.directory, { enabled: false });
  assert.deepEqual(all.services.discovery, { enabled: true, tcpPort: 1, seeds: ['a:1'] });
});

test('config: PEERWAY_CONFIG names the file when none is given', (t) => {
  const file = configFile(t, { http: { port: 1234 } });
  assert.equal(loadConfig({ env: { PEERWAY_CONFIG: file } }).http.port, 1234);
});

test('config: a bad field is named, with the layer that set it', (t) => {
  const file = configFile(t, { services: { discovery: { tcpPort: 'x' } } });
  const err = configError(() => loadConfig({ file, definitions }));
  assert.match(
    err.message,
    /services\.discovery\.tcpPort: expected number, received string \(from .*peerway\.json\)/,
  );
  assert.deepEqual(err.details?.problems, [
    { path: 'services.discovery.tcpPort', message: 'expected number, received string', source: file },
  ]);

  const fromEnv = configError(() => loadConfig({ env: { PEERWAY_HTTP_PORT: 'eighty' } }));
  assert.match(fromEnv.message, /http\.port: expected number, received string \(from PEERWAY_HTTP_PORT\)/);
  const range = configError(() => loadConfig({ set: ['http.port=70000'] }));
  assert.match(range.message, /http\.port: .*65535.* \(from --set http\.port\)/);
  const level = configError(() => loadConfig({ set: ['log.level=loud'] }));
  assert.match(level.message, /^invalid config: log\.level: /);
});

test('config: unknown fields and unknown services are errors, not silently ignored', (t) => {
  const file = configFile(t, {
    htp: { port: 1 },
    http: { prot: 2 },
    services: { nosuch: { enabled: true } },
  });
  const err = configError(() => loadConfig({ file, definitions }));
  const paths = (err.details?.problems as Array<{ path: string }>).map((p) => p.path).sort();
  assert.deepEqual(paths, ['htp', 'http.prot', 'services.nosuch']);
  assert.match(err.message, /htp: unknown field/);
});

test('config: unreadable, non-JSON and non-object files', (t) => {
  configError(
    () => loadConfig({ file: join(tmpdir(), 'peerway-no-such-config.json') }),
    ErrorCodes.CONFIG_READ_FAILED,
  );
  const broken = configFile(t, '{ "http": ');
  const err = configError(() => loadConfig({ file: broken }), ErrorCodes.CONFIG_READ_FAILED);
  assert.ok(err.message.includes(broken));
  configError(() => loadConfig({ file: configFile(t, '[1, 2]') }));
});

test('config: bad --set text and bad service definitions are refused', () => {
  for (const bad of ['noequals', '=1', 'a..b=1', '__proto__.x=1', 'a.constructor=1', 'a b=1']) {
    configError(() => loadConfig({ set: [bad] }));
  }
  for (const defs of [[{ ...directory, name: 'Bad-Name' }], [directory, directory]]) {
    assert.throws(
      () => createConfigSchema(defs),
      (e) => isPeerwayError(e, ErrorCodes.INVALID_ARGUMENT),
    );
  }
});

test('config: any JSON, any file content: a config or a typed error, never anything else', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-config-prop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'c.json');
  const typed = (f: () => unknown): void => {
    try {
      f();
    } catch (err) {
      assert.ok(
        isPeerwayError(err, ErrorCodes.CONFIG_INVALID) || isPeerwayError(err, ErrorCodes.CONFIG_READ_FAILED),
        String(err),
      );
    }
  };
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      typed(() =>
        validateLayers(
          [{ source: 'prop', values: { services: { discovery: value }, http: value } }],
          definitions,
        ),
      );
    }),
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      (text) => {
        writeFileSync(file, text);
        typed(() => loadConfig({ file, definitions }));
      },
    ),
    { numRuns: 50 },
  );
});

test('config: PEERWAY_ variables that set nothing are found, with the closest real one', () => {
  const env = {
    PEERWAY_HTTP_PROT: '80',
    PEERWAY_SERVICES_DIRECTORY_ENABLD: 'true',
    PEERWAY_NOTHING_LIKE_ANY_FIELD_AT_ALL: 'x',
    PEERWAY_HTTP_PORT: '8080',
    PEERWAY_CONFIG: 'peerway.json',
    HOME: '/home/user',
  };
  assert.deepEqual(unknownEnvironmentVariables(env, serviceDefinitions), [
    { name: 'PEERWAY_HTTP_PROT', suggestion: 'PEERWAY_HTTP_PORT' },
    { name: 'PEERWAY_NOTHING_LIKE_ANY_FIELD_AT_ALL' },
    { name: 'PEERWAY_SERVICES_DIRECTORY_ENABLD', suggestion: 'PEERWAY_SERVICES_DIRECTORY_ENABLED' },
  ]);
  assert.deepEqual(unknownEnvironmentVariables({ PEERWAY_LOG_LEVEL: 'info' }, serviceDefinitions), []);
});
