import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directoryServiceDefinition } from '../../src/node/directory-service.js';

test('directory config: nickAuthId must be a JMP-0005 directory id', () => {
  const schema = directoryServiceDefinition.schema;
  assert.equal(schema.safeParse({ enabled: true, nickAuthId: 'abcdefgh.onion:5222' }).success, true);
  for (const bad of ['Bad ID', '-leading', '', 'UPPER.onion']) {
    assert.equal(schema.safeParse({ enabled: true, nickAuthId: bad }).success, false, bad);
  }
});
