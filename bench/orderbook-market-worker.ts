/**
 * The market side of bench/orderbook.bench.ts, in a process of its own (fork with tsx) so the
 * taker's CPU figures are the taker's alone: three directories and N makers on loopback. Talks to
 * the parent over IPC.
 *
 *   { cmd: 'start', makers, takerNick }  -> { ready, directories }
 *     every maker answers !orderbook (every fifth with a bond proof); after the last answer ->
 *     { lastSent } (epoch ms)
 *   { cmd: 'sigs', perMaker }             -> on each maker's first !fill, it sends `perMaker`
 *     signed !sig lines through every directory (as joinmarket-ng makers do) -> { lastSent }
 *   { cmd: 'stop' }                       -> { stopped }
 */
import { MakerClient } from '../src/directory/market/maker-client.js';
import { type Offer } from '../src/directory/market/offer.js';
import { DirectoryServer } from '../src/directory/server/server.js';
import { formatSignedPrivmsg } from '../src/directory/wire/message-line.js';
import { NickIdentity } from '../src/directory/wire/nick.js';
import { bondCertificate } from '../test/directory/market.js';

type Command =
  { cmd: 'start'; makers: number; takerNick: string } | { cmd: 'sigs'; perMaker: number } | { cmd: 'stop' };

const servers: DirectoryServer[] = [];
const makers: MakerClient[] = [];
let takerNick = '';
let perMaker = 0;
const signed = new Map<MakerClient, string[]>();
const identities = new Map<MakerClient, NickIdentity>();

function offers(i: number): Offer[] {
  return [
    { type: 'sw0reloffer', oid: 0, minsize: 27300, maxsize: 1_000_000 + i, txfee: 0, cjfee: '0.00002' },
    { type: 'sw0absoffer', oid: 1, minsize: 27300, maxsize: 500_000 + i, txfee: 0, cjfee: '250' },
  ];
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

async function start(count: number, nick: string): Promise<void> {
  takerNick = nick;
  for (let i = 0; i < 3; i++) {
    // Every simulated maker comes from 127.0.0.1: lift the per-address handshake limit too.
    const s = new DirectoryServer({
      port: 0,
      network: 'signet',
      rateLimit: 100_000,
      rateBurst: 100_000,
      handshakeRate: 1e6,
      handshakeBurst: 1e6,
    });
    await s.start();
    servers.push(s);
  }
  const directoryServers = servers.map((s) => `127.0.0.1:${s.address.port}`);
  let served = 0;
  let sigSenders = 0;
  for (let i = 0; i < count; i++) {
    const identity = NickIdentity.generate();
    // Every fifth maker holds a fidelity bond (its own outpoint), as in the bench without sockets.
    const maker = new MakerClient({
      directoryServers,
      identity,
      network: 'signet',
      offers: offers(i),
      ...(i % 5 === 0 ? { bond: bondCertificate() } : {}),
    });
    maker.on('orderbookServed', () => {
      served += 1;
      if (served === count) process.send!({ lastSent: now() });
    });
    maker.on('request', (r) => {
      if (r.command !== 'fill' || r.from !== takerNick || perMaker === 0) return;
      // Signed once (beforehand, so the burst measures the taker, not our signing), sent through
      // every directory: the taker must drop the copies.
      for (const line of signed.get(maker) ?? []) {
        for (const client of maker.clients.values()) client.sendRawPrivmsg(line);
      }
      sigSenders += 1;
      if (sigSenders === count) process.send!({ lastSent: now() });
    });
    makers.push(maker);
    identities.set(maker, identity);
  }
  // Connect in batches so 1,500 handshakes do not all queue at once.
  for (let i = 0; i < makers.length; i += 50)
    await Promise.all(makers.slice(i, i + 50).map((m) => m.start()));
  process.send!({ ready: true, directories: directoryServers });
}

process.on('message', (msg: Command) => {
  if (msg.cmd === 'start') void start(msg.makers, msg.takerNick);
  else if (msg.cmd === 'sigs') {
    perMaker = msg.perMaker;
    for (const maker of makers) {
      const identity = identities.get(maker)!;
      const lines = Array.from({ length: perMaker }, (_, k) =>
        formatSignedPrivmsg(identity, takerNick, 'sig', `sig-${k}-${'A'.repeat(120)}`),
      );
      signed.set(maker, lines);
    }
    process.send!({ armed: true });
  } else if (msg.cmd === 'stop') {
    void (async () => {
      for (const m of makers) await m.stop();
      for (const s of servers) await s.stop();
      process.send!({ stopped: true }, () => process.exit(0));
    })();
  }
});
