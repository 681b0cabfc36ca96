import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { requireBinary } from '../helpers/binaries.js';
import { startNgircd } from '../helpers/ngircd.js';
import { parseIrcRealName, visitIrc } from '../../src/discovery/irc.js';
import { makeNode } from './harness.js';

const ngircd = requireBinary('ngircd');

/** An IRC client that stays in a channel under `nick` with `realName` until closed. */
async function ircBot(
  port: number,
  nick: string,
  realName: string,
  channel = '#electrum',
): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  await once(s, 'connect');
  s.setEncoding('utf8');
  let buf = '';
  const joined = new Promise<void>((resolve) => {
    s.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line.startsWith('PING')) s.write(`PONG ${line.slice(5)}\r\n`);
        if (/ 001 /.test(line)) s.write(`JOIN ${channel}\r\n`);
        if (/ 366 /.test(line)) resolve();
      }
    });
  });
  s.write(`NICK ${nick}\r\nUSER bot 0 * :${realName}\r\n`);
  await joined;
  return s;
}

test('IRC real names in ElectrumX format, ports defaulting as ElectrumX did', () => {
  assert.deepEqual(parseIrcRealName('electrum.example.org v1.4 s t'), {
    host: 'electrum.example.org',
    tcpPort: 50001,
    sslPort: 50002,
    version: '1.4',
    pruning: null,
  });
  assert.deepEqual(parseIrcRealName('Prune.Example.com v1.1 p10000 t50011'), {
    host: 'prune.example.com',
    tcpPort: 50011,
    sslPort: null,
    version: '1.1',
    pruning: 10000,
  });
  assert.deepEqual(parseIrcRealName('x.example v1.4 s', { t: 51001, s: 51002 })?.sslPort, 51002);
  for (const bad of ['', 'just-a-host', 'b@d v1.4 t', 'x.example v1.4', 'x.example v1.4 s99999']) {
    assert.equal(parseIrcRealName(bad), undefined, bad);
  }
});

test(
  'a straggler advertised only on IRC is found through ngircd, verified and served',
  { ...ngircd, timeout: 60_000 },
  async () => {
    const irc = await startNgircd(ngircd.path!);
    // The straggler: a real server on 127.0.0.3 that no peer lists and no seed names.
    const straggler = makeNode({ host: '127.0.0.3', privateNetwork: true, schedule: { tickMs: 60_000 } });
    await straggler.start();
    const bots: net.Socket[] = [];
    const node = makeNode({
      privateNetwork: true,
      schedule: { tickMs: 60_000 },
      irc: { host: '127.0.0.1', port: irc.port, tls: false, intervalMs: 3_600_000 },
    });
    try {
      bots.push(await ircBot(irc.port, 'E_straggler', `127.0.0.3 v1.4 t${straggler.tcpPort}`));
      bots.push(await ircBot(irc.port, 'E_garbage', 'this is not a server'));
      bots.push(await ircBot(irc.port, 'alice', `127.0.0.9 v1.4 t${straggler.tcpPort}`));
      const direct = await visitIrc({ host: '127.0.0.1', port: irc.port, tls: false });
      assert.deepEqual(
        direct.map((c) => [c.nick, c.host, c.tcpPort]),
        [['E_straggler', '127.0.0.3', straggler.tcpPort]],
        'only E_ nicks with readable real names',
      );
      assert.equal(node.store.count(), 0, 'the node knows nobody before its visit');
      await node.start();
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !((node.store.get('127.0.0.3')?.lastGood ?? 0) > 0)) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const record = node.store.get('127.0.0.3');
      assert.ok(record, 'the straggler was queued');
      assert.ok(record.lastGood > 0, `and verified (source ${record.source})`);
      assert.equal(node.store.has('127.0.0.9'), false, 'a nick without E_ is not a server');
      assert.equal((node.stats.irc as Record<string, number>).visits, 1);
    } finally {
      for (const b of bots) b.destroy();
      await node.stop();
      await straggler.stop();
      await irc.stop();
    }
  },
);

test('an IRC server that never answers times the visit out; one that refuses is a typed error', async () => {
  const silent = net.createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const refusing = net.createServer((s) => s.end('ERROR :Closing Link: banned\r\n'));
  refusing.listen(0, '127.0.0.1');
  await once(refusing, 'listening');
  try {
    const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
    await assert.rejects(
      visitIrc({ host: '127.0.0.1', port: port(silent), tls: false, timeoutMs: 300 }),
      (err: unknown) => {
        return (err as { code?: string }).code === 'ERR_TIMEOUT';
      },
    );
    await assert.rejects(
      visitIrc({ host: '127.0.0.1', port: port(refusing), tls: false }),
      (err: unknown) => {
        return (err as { code?: string }).code === 'ERR_DISCOVERY_BAD_MESSAGE';
      },
    );
  } finally {
    silent.close();
    refusing.close();
  }
});
