import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { createTorOnionPublisher } from '../../src/directory/onion/index.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { requireBinary } from '../helpers/binaries.js';
import { startTor } from '../helpers/tor.js';

const tor = requireBinary('tor');

test(
  'directory published as an onion service through a real (offline) tor keeps its address',
  { skip: tor.skip },
  async (t) => {
    const daemon = await startTor({ binary: tor.path! });
    t.after(() => daemon.stop());
    const dir = await mkdtemp(join(tmpdir(), 'peerway-onion-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const keyFile = join(dir, 'directory-onion.key');
    const onion = createTorOnionPublisher({
      controlHost: daemon.controlHost,
      controlPort: daemon.controlPort,
      keyFile,
    });

    const first = new DirectoryServer({ port: 0, network: 'signet', onion });
    await first.start();
    let address: string;
    try {
      assert.match(first.location, /^[a-z2-7]{56}\.onion:5222$/);
      address = first.location;
      assert.match(await readFile(keyFile, 'utf8'), /^ED25519-V3:/);
      assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
      // Served locally as usual; an onion-serving peer advertises this location in peerlists.
      const c = new DirectoryClient({
        host: '127.0.0.1',
        port: first.address.port,
        identity: NickIdentity.generate(),
        network: 'signet',
      });
      await c.connect();
      await c.close();
    } finally {
      await first.stop();
    }
    const second = new DirectoryServer({ port: 0, network: 'signet', onion });
    await second.start();
    try {
      assert.equal(second.location, address, 'same key file, same onion address');
    } finally {
      await second.stop();
    }
  },
);
