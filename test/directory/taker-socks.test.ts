import { test } from 'node:test';
import assert from 'node:assert/strict';
import { socksDialer, type Dialer } from '../../src/directory/client/dialer.js';
import { createSocksDialer } from '../../src/transport/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { startSocks5Server } from '../helpers/socks5-server.js';
import { until } from './net.js';
import { QUICK_BOOK, startDirectories, startMaker, startTaker } from './market.js';

const microsocks = requireBinary('microsocks');

test(
  'taker through a real SOCKS5 proxy: directories and the direct link dial under their own categories',
  { skip: microsocks.skip },
  async () => {
    const socks = await startSocks5Server({ binary: microsocks.path!, username: 'jm', password: 'secret' });
    const dirs = await startDirectories(2);
    const maker = await startMaker(dirs, 0, { serve: { host: '127.0.0.1' } });
    const viaProxy = socksDialer(
      createSocksDialer({ host: socks.host, port: socks.port, username: 'jm', password: 'secret' }),
    );
    const categories: string[] = [];
    const dialer: Dialer = (host, port, options) => {
      categories.push(options.category);
      return viaProxy(host, port, options);
    };
    const taker = await startTaker(dirs, { dialer, streamIsolation: true });
    try {
      assert.equal(taker.clients.size, 2);
      await taker.fetchOrderbook(QUICK_BOOK);
      await taker.sendPrivmsg(maker.nick, 'fill', '0 1 aa bb');
      await until(() => taker.links.isConnected(maker.nick), 3000, 'direct link through the proxy');
      assert.deepEqual(categories, ['directory', 'directory', 'peer']);
      // Every connection ran through the proxy: when it goes, they all go.
      await socks.stop();
      await until(
        () => taker.clients.size === 0 && !taker.links.isConnected(maker.nick),
        3000,
        'all dropped',
      );
      assert.equal(taker.isNickActive(maker.nick), false);
    } finally {
      await taker.stop();
      await maker.stop();
      for (const d of dirs) await d.stop();
      await socks.stop();
    }
  },
);
