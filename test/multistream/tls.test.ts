import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { once } from 'node:events';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { Multiselect, lazySelect, select } from '../../src/multistream/index.js';
import { createCertificate } from '../../src/transport/index.js';

test('negotiation over TLS sockets: select, lazy select, and a failure that resets', async () => {
  const pems = createCertificate({ commonName: 'localhost' });
  const mss = new Multiselect({
    handlers: {
      '/echo/1.0.0': (s) => {
        s.on('error', () => {});
        s.pipe(s);
      },
    },
  });
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: pems.key, cert: pems.cert }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    mss.handle(socket).catch(() => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as import('node:net').AddressInfo;
  const dial = async (): Promise<tls.TLSSocket> => {
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    return socket;
  };
  try {
    const a = await dial();
    assert.equal(await select(a, ['/nope', '/echo/1.0.0']), '/echo/1.0.0');
    a.write('over tls');
    assert.equal(String((await once(a, 'data'))[0]), 'over tls');
    a.destroy();

    const b = await dial();
    const lazy = lazySelect(b, '/echo/1.0.0');
    lazy.write('lazy tls');
    assert.equal(String((await once(lazy, 'data'))[0]), 'lazy tls');
    lazy.destroy();
    assert.equal(mss.stats.negotiated, 2);

    const c = await dial();
    c.on('error', () => {});
    await assert.rejects(select(c, ['/nope']), (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_NA));
    assert.ok(c.destroyed);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
