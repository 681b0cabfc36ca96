// The import rules of docs/architecture.md, enforced: every import in src/ is read and checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { checkImports, checkPortable, importClosure, type SourceFile } from './helpers/import-rules.js';

const SRC = 'src';

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function loadSources(): SourceFile[] {
  return listSources(SRC).map((path) => ({
    path: relative(SRC, path).split(sep).join('/'),
    text: readFileSync(path, 'utf8'),
  }));
}

test('architecture: every import in src/ follows the rules of docs/architecture.md', () => {
  const violations = checkImports(loadSources());
  assert.deepEqual(violations, [], `forbidden imports:\n${violations.join('\n')}`);
});

test('architecture: the checker refuses each kind of forbidden arrow', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });
  const cases: Array<[SourceFile, string]> = [
    [file('core/x.ts', "import { dialTcp } from '../transport/index.js';"), 'upward'],
    [file('transport/x.ts', "import { openStore } from '../store/index.js';"), 'sibling floor'],
    [file('overlay/x.ts', "import { select } from '../multistream/index.js';"), 'protocol'],
    [file('overlay/x.ts', "import { PeerwayNode } from '../node/index.js';"), 'upward'],
    [file('node/x.ts', "import { Community } from '../overlay/community.js';"), 'internals'],
    [file('directory/market/x.ts', "import { f } from '../client/client.js';"), 'internals'],
    [file('directory/wire/x.ts', "import { DirectoryClient } from '../client/index.js';"), 'part arrow'],
    [file('directory/client/x.ts', "import { DirectoryServer } from '../server/index.js';"), 'part arrow'],
    [file('directory/server/x.ts', "import { MakerClient } from '../market/index.js';"), 'part arrow'],
    [file('cli/x.ts', "import { openStore } from '../store/index.js';"), 'cli'],
    [file('discovery/x.ts', "import { pino } from 'pino';"), 'package'],
    [file('overlay/x.ts', "import client from 'prom-client';"), 'package'],
    [file('node/x.ts', "import { Command } from 'commander';"), 'package'],
    [file('directory/index.ts', "export * from './wire/index.js';"), 'export *'],
    [file('directory/x.ts', "const m = await import('../overlay/index.js');"), 'protocol'],
  ];
  for (const [source, kind] of cases) {
    const violations = checkImports([source]);
    assert.equal(
      violations.length,
      1,
      `${source.text} should be refused (${kind}), got ${violations.join('; ')}`,
    );
    assert.ok(violations[0]!.startsWith(source.path), violations[0]);
  }
  // And allowed arrows stay allowed.
  const allowed: SourceFile[] = [
    file('cli/x.ts', "import { PeerwayNode } from '../node/index.js';"),
    file('node/x.ts', "import { Community } from '../overlay/index.js';\nimport { pino } from 'pino';"),
    file(
      'directory/market/x.ts',
      "import { DirectoryClient } from '../client/index.js';\nimport { y } from './y.js';",
    ),
    file('directory/index.ts', "export { MakerClient } from './market/index.js';"),
    file('directory/market/z.ts', "import { parseEnvelope } from '../wire/index.js';"),
    file('directory/server/x.ts', "import { LineChannel } from '../wire/index.js';"),
    file(
      'overlay/x.ts',
      "import { parseIpv4 } from '../transport/index.js';\nimport type { Logger } from '../core/index.js';",
    ),
    file('index.ts', "export { select } from './multistream/index.js';"),
  ];
  assert.deepEqual(checkImports(allowed), []);
});

test('architecture: the portable multistream core imports nothing from Node and uses no Node global', () => {
  const sources = loadSources();
  const closure = importClosure(sources, ['multistream/libp2p.ts']);
  // The drop-in reaches the whole negotiation core; the Node drivers stay outside it.
  for (const core of [
    'multistream/exchange.ts',
    'multistream/dialer-exchange.ts',
    'multistream/listener-exchange.ts',
    'multistream/message-reader.ts',
    'multistream/communicator.ts',
  ]) {
    assert.ok(closure.includes(core), `${core} is part of the portable core`);
  }
  assert.ok(
    !closure.includes('multistream/negotiation.ts'),
    'the Node driver is not part of the portable core',
  );
  const violations = checkPortable(sources);
  assert.deepEqual(violations, [], `portable code depends on Node:\n${violations.join('\n')}`);
});

test('architecture: the portable check refuses each way of depending on Node', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });
  const base = file('multistream/p.ts', "import { x } from './q.js';");
  const cases: Array<[SourceFile, string]> = [
    [file('multistream/q.ts', "import { Duplex } from 'node:stream';"), 'node:'],
    [file('multistream/q.ts', "import { EventEmitter } from 'events';"), 'builtin'],
    [file('multistream/q.ts', "import { lpStream } from '@libp2p/utils';"), 'package'],
    [file('multistream/q.ts', 'export const a = Buffer.from([1]);'), 'Buffer'],
    [file('multistream/q.ts', 'export function f(): void { process.nextTick(() => {}); }'), 'process'],
  ];
  for (const [dep, kind] of cases) {
    const violations = checkPortable([base, dep], ['multistream/p.ts']);
    assert.equal(violations.length, 1, `${kind} should be refused, got ${violations.join('; ')}`);
    assert.ok(violations[0]!.startsWith('multistream/q.ts'), violations[0]);
  }
  // Mentions in comments and strings are not uses.
  const fine = file('multistream/q.ts', "// Buffer\nexport const s = 'process';");
  assert.deepEqual(checkPortable([base, fine], ['multistream/p.ts']), []);
});
