// What a consumer of the package gets besides the code: the licence the manifest names, a
// changelog, where the project lives, and no source maps pointing at files the package leaves out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

test('package: LICENSE matches the manifest, and CHANGELOG, repository and homepage are there', () => {
  const pkg = JSON.parse(read('package.json')) as {
    license: string;
    files: string[];
    repository?: { url?: string };
    homepage?: string;
    scripts: Record<string, string>;
  };
  assert.equal(pkg.license, 'MIT');
  assert.match(read('LICENSE'), /^MIT License\n/);
  assert.match(read('CHANGELOG.md'), /^# Changelog\n[^]*## Unreleased/);
  assert.ok(pkg.files.includes('LICENSE') && pkg.files.includes('CHANGELOG.md'), 'both are packed');
  assert.match(pkg.repository?.url ?? '', /^git\+https:\/\//, 'repository.url');
  assert.match(pkg.homepage ?? '', /^https:\/\//, 'homepage');
  assert.equal(pkg.scripts.docs, 'typedoc', 'npm run docs builds the API reference');
});

test('package: the build writes no source maps (the package ships dist only, not src)', () => {
  const build = JSON.parse(read('tsconfig.build.json')) as {
    compilerOptions: { sourceMap?: boolean; declarationMap?: boolean };
  };
  const pkg = JSON.parse(read('package.json')) as { files: string[] };
  assert.ok(!pkg.files.includes('src'), 'src is not packed');
  assert.equal(build.compilerOptions.sourceMap, false, 'no .js.map pointing at src/');
  assert.equal(build.compilerOptions.declarationMap, false, 'no .d.ts.map pointing at src/');
});
