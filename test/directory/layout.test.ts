// The directory's parts and their one-way arrows, checked on every import in src/: market ->
// client -> wire and server -> wire; a part reaches a sibling only through the sibling's index.ts;
// code outside the folder only through src/directory/index.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');
const DIRECTORY = join(SRC, 'directory');

/** Which sibling parts each part may import. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  wire: [],
  server: ['wire'],
  client: ['wire'],
  market: ['client', 'wire'],
};

interface SourceImports {
  file: string;
  specs: string[];
}

function sources(dir: string): SourceImports[] {
  return readdirSync(dir).flatMap((name): SourceImports[] => {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    if (!file.endsWith('.ts')) return [];
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^(?:import|export)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
    return [{ file, specs }];
  });
}

/** Every import that breaks the rules, as `from -> to` (paths relative to src/). */
function forbiddenArrows(all: readonly SourceImports[]): string[] {
  const bad: string[] = [];
  for (const { file, specs } of all) {
    const from = relative(DIRECTORY, file).split(sep);
    const inside = !from[0]!.startsWith('..');
    for (const spec of specs) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      const to = relative(DIRECTORY, target).split(sep);
      if (to[0]!.startsWith('..')) continue; // not into the directory
      const arrow = `${relative(SRC, file)} -> ${relative(SRC, target)}`;
      const toIndexOf = (part: string | undefined): boolean =>
        to.length === 2 && to[0] === part && to[1] === 'index.ts';
      if (!inside) {
        if (to.join('/') !== 'index.ts') bad.push(arrow);
      } else if (from.length === 1) {
        // The front door (src/directory/index.ts) reads the parts' index files only.
        if (!(to.length === 2 && to[1] === 'index.ts')) bad.push(arrow);
      } else if (to.length === 1) {
        bad.push(arrow); // nothing inside imports the front door
      } else if (from[0] !== to[0]) {
        if (!(ALLOWED[from[0]!] ?? []).includes(to[0]!) || !toIndexOf(to[0])) bad.push(arrow);
      }
    }
  }
  return bad;
}

test('directory layout: every import follows market -> client -> wire, server -> wire, through index.ts', () => {
  assert.deepEqual(forbiddenArrows(sources(SRC)), []);
});

test('directory layout: the check catches an arrow against the rules', () => {
  const at = (path: string, ...specs: string[]): SourceImports => ({ file: join(SRC, path), specs });
  assert.deepEqual(
    forbiddenArrows([
      at('directory/wire/envelope.ts', '../client/index.js'), // upwards
      at('directory/server/server.ts', '../client/index.js'), // sideways
      at('directory/market/maker-client.ts', '../client/pool.js'), // a sibling's internals
      at('directory/client/pool.ts', '../index.js'), // the front door from inside
      at('node/directory-service.ts', '../directory/server/server.js'), // internals from outside
      at('directory/market/maker-client.ts', '../client/index.js', '../wire/index.js', './offer.js'),
      at('node/directory-service.ts', '../directory/index.js'),
    ]),
    [
      'directory/wire/envelope.ts -> directory/client/index.ts',
      'directory/server/server.ts -> directory/client/index.ts',
      'directory/market/maker-client.ts -> directory/client/pool.ts',
      'directory/client/pool.ts -> directory/index.ts',
      'node/directory-service.ts -> directory/server/server.ts',
    ],
  );
});
