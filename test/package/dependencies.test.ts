import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

test('one NaCl: libsodium does the box, tweetnacl is neither a dependency nor imported', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  assert.equal(pkg.dependencies?.tweetnacl, undefined);
  assert.equal(pkg.devDependencies?.tweetnacl, undefined);
  const name = ['tweet', 'nacl'].join(''); // spelled apart so this file does not match itself
  const imports = new RegExp(`from '${name}'|require\\('${name}'\\)`);
  const importers = [...sources(join(root, 'src')), ...sources(join(root, 'test'))].filter((file) =>
    imports.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(importers, []);
});
