// Orderbook layer costs, first without sockets: what a taker spends on each message its
// directories deliver (the signature check done here as the directory client does it:
// Bitcoin-message ECDSA over data + "onion-network"; no envelope JSON, no nick-hash check).
//
//   1. 500 makers x 3 directories answer !orderbook (2 offers each, every 5th with a bond proof)
//      through TakerRouter: time until every offer is in the book, early exit, CPU per
//      1,000 offers processed, and the merged count (must be 1,000, no duplicates).
//   2. waitForResponses over 100 makers x 3 directories: !ioauth (1 each) and encrypted !sig
//      (3 each): messages per second with signature checks and deduplication.
//   Anchor: bare signature verifications per second on this machine.
//
// Then the same two claims over real sockets: three directories and the makers run in a separate
// process (bench/orderbook-market-worker.ts), the taker is a MultiDirectoryClient here.
//   3. 500 makers x 3 directories: fetchOrderbook() to every offer (early exit), delay after the
//      last maker's answer left, taker CPU per 1,000 offers, duplicates.
//   4. waitForResponses over 100 makers x 3 directories, 10 signed !sig each sent through every
//      directory: messages per second the taker takes in (envelope, signature, deduplication).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MultiDirectoryClient } from '../src/directory/market/multi-directory-client.js';
import { NickIdentity } from '../src/directory/wire/nick.js';
import { bodyToPrivmsg, formatOfferMessage } from '../src/directory/market/command-chain.js';
import { EncryptionSession } from '../src/directory/market/encryption.js';
import { createBondProof } from '../src/directory/market/fidelity-bond.js';
import { TypedEmitter } from '../src/core/index.js';
import { TakerRouter } from '../src/directory/market/taker-router.js';
import type { MultiDirectoryClientEvents } from '../src/directory/market/taker-options.js';
import { ResponseCollector } from '../src/directory/market/response-collector.js';
import {
  publicKeyOf,
  signBitcoinMessageBytes,
  verifyBitcoinMessageBytes,
} from '../src/directory/wire/bitcoin-message.js';
import { bondCertificate, offersFor } from '../test/directory/market.js';
import { ChainBondAssessor, type BondChain, type ChainOutput } from '../src/directory/market/bond-chain.js';
import { bondOutputScript } from '../src/directory/market/bond-script.js';
import { toOrderbookJson, type AssessedBond } from '../src/directory/market/orderbook-json.js';
import type { OrderbookEntry } from '../src/directory/market/orderbook-collector.js';
import type { FidelityBondProof } from '../src/directory/market/fidelity-bond.js';

const HOSTID = 'onion-network';
const DIRECTORIES = ['dir-a:5222', 'dir-b:5222', 'dir-c:5222'];
const TAKER = 'J5takerOOOOOOOOO';

interface Maker {
  nick: string;
  secret: Uint8Array;
  pub: Uint8Array;
}

function makeMakers(n: number): Maker[] {
  return Array.from({ length: n }, (_, i) => {
    const secret = randomBytes(32);
    return { nick: `J5maker${String(i).padStart(9, '0')}`, secret, pub: publicKeyOf(secret) };
  });
}

/** A signed privmsg body: `cmd data`, with the signature over data + hostid. */
interface Signed {
  from: string;
  body: string;
  data: string;
  pub: Uint8Array;
  sig: Uint8Array;
}

function sign(maker: Maker, command: string, data: string): Signed {
  const sig = signBitcoinMessageBytes(Buffer.from(data + HOSTID), maker.secret);
  return { from: maker.nick, body: `${command} ${data}`, data, pub: maker.pub, sig };
}

function verify(m: Signed): boolean {
  return verifyBitcoinMessageBytes(Buffer.from(m.data + HOSTID), m.sig, m.pub);
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function row(name: string, value: string): void {
  console.log(`${name.padEnd(58)} ${value}`);
}

async function orderbookBench(): Promise<void> {
  const makers = makeMakers(500);
  const answers = makers.map((maker, i) => {
    const offers = offersFor(i);
    // Every fifth maker holds a bond of its own (one outpoint each).
    const bond =
      i % 5 === 0
        ? createBondProof(bondCertificate(), { takerNick: TAKER, makerNick: maker.nick })
        : undefined;
    const body = formatOfferMessage(offers, bond);
    // The signed data of a chained answer is everything after the first command word.
    const { command, data } = bodyToPrivmsg(body);
    return sign(maker, command, data);
  });

  // Long waits: the bench ends collection itself once every message is in.
  // Through the taker core, as the client will use it: the directory layer's job (signature check
  // of each line, skipping byte-identical copies already checked) is done here.
  const events = new TypedEmitter<MultiDirectoryClientEvents>();
  const core = new TakerRouter({ nick: TAKER, events });
  for (const id of DIRECTORIES) {
    core.addDirectory({
      id,
      connected: true,
      sendPubmsg: () => true,
      sendPrivmsg: () => true,
    });
  }
  let complete = 0;
  events.on('orderbookProgress', (p) => {
    if (p.offers === 1000 && complete === 0) complete = performance.now();
  });
  const fetched = core.fetchOrderbook({ minWait: 300, quietPeriod: 200, timeout: 10_000 });
  const checked = new Set<string>();
  const wall = performance.now();
  const cpu = process.cpuUsage();
  let lastSent = 0;
  for (const directory of DIRECTORIES) {
    for (const msg of answers) {
      const key = `${msg.from} ${msg.body}`;
      const verified = checked.has(key) || verify(msg);
      checked.add(key);
      const { command, data } = bodyToPrivmsg(msg.body);
      lastSent = performance.now();
      core.handlePrivmsg({
        from: msg.from,
        command,
        data,
        channel: `directory:${directory}`,
        verified,
      });
    }
  }
  const cpuUsed = cpuMs(cpu);
  const result = await fetched;
  const ended = performance.now();
  const processed = answers.length * 3 * 2;
  row('orderbook: makers x directories', `500 x 3 (${answers.length * 3} messages, ${processed} offers)`);
  row('orderbook: merged offers (expect 1000, no duplicates)', String(result.offers.length));
  row('orderbook: offers with a verified bond', String(result.offers.filter((o) => o.bond).length));
  row(
    'orderbook: all 1,000 offers in the book, from the first message',
    `${(complete - wall).toFixed(1)} ms`,
  );
  row('orderbook: wall time for all 1,500 messages', `${(lastSent - wall).toFixed(1)} ms`);
  row(
    'orderbook: fetchOrderbook returned (minWait 300, quiet 200), from first message',
    `${(ended - wall).toFixed(0)} ms`,
  );
  row('orderbook: CPU per 1,000 offers processed', `${((cpuUsed / processed) * 1000).toFixed(1)} ms`);
  if (result.offers.length !== 1000) throw new Error('merge lost or duplicated offers');
  const valued = await valueBook(result.offers);
  row(
    'orderbook: bonds checked + valued, JSON of the book built',
    `${valued.ms.toFixed(1)} ms (${valued.valid} valid bonds)`,
  );
}

/**
 * A chain held in memory that knows every bond outpoint of the book as a confirmed output with
 * the right script (as a healthy Electrum server would answer): what the bench measures is the
 * taker's own work, checks, the formula and the JSON, not a server's round trips.
 */
function memoryChainFor(offers: readonly OrderbookEntry[]): BondChain {
  const outputs = new Map<string, ChainOutput>();
  for (const o of offers) {
    const b: FidelityBondProof | undefined = o.bond;
    if (b === undefined) continue;
    const script = bondOutputScript(b.utxoPubkey, b.locktime).toString('hex');
    outputs.set(`${b.txid}:${b.vout}`, { state: 'unspent', value: 100_000_000, script, height: 90_000 });
  }
  return {
    // Below the certificates' expiry (52 periods of 2016 blocks) and before their locktime.
    tip: () => Promise.resolve({ height: 100_000, medianTime: 1_760_000_000 }),
    lookupOutput: (outpoint) =>
      Promise.resolve(outputs.get(`${outpoint.txid}:${outpoint.vout}`) ?? { state: 'missing' }),
    blockTime: (height) => Promise.resolve(1_700_000_000 + (height - 90_000) * 600),
  };
}

/** Checks and values every bond of a book (one per maker), then builds ob-watcher's JSON. */
async function valueBook(offers: readonly OrderbookEntry[]): Promise<{ ms: number; valid: number }> {
  const t = performance.now();
  const byMaker = new Map<string, FidelityBondProof>();
  for (const o of offers) if (o.bond !== undefined) byMaker.set(o.counterparty, o.bond);
  const bonds = [...byMaker]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([counterparty, proof]) => ({ counterparty, proof }));
  const assessments = await new ChainBondAssessor({ chain: memoryChainFor(offers) }).assess(bonds);
  const assessed: AssessedBond[] = bonds.map((b, i) => ({ ...b, assessment: assessments[i]! }));
  const json = toOrderbookJson(offers, assessed);
  // Serialised as the HTTP API would send it.
  const text = JSON.stringify(json);
  const ms = performance.now() - t;
  const valid = assessed.filter((b) => b.assessment.status === 'valid').length;
  if (
    text.length === 0 ||
    valid !== bonds.length ||
    json.offers.filter((o) => o.fidelity_bond_value > 0).length !== valid * 2
  ) {
    throw new Error('bond values missing from the JSON');
  }
  return { ms, valid };
}

async function responsesBench(): Promise<void> {
  const makers = makeMakers(100);
  const nicks = makers.map((m) => m.nick);

  // !ioauth: one signed message per maker, arriving through all three directories.
  const ioauth = makers.map((m) => sign(m, 'ioauth', randomBytes(200).toString('base64')));
  let wait = new ResponseCollector({ nicks, command: 'ioauth', timeout: 60_000 });
  let done = wait.wait();
  let t = performance.now();
  let handled = 0;
  // Copies of one answer arrive through the three directories close together.
  for (const msg of ioauth) {
    for (const directory of DIRECTORIES) {
      const verified = verify(msg);
      wait.push({
        from: msg.from,
        command: 'ioauth',
        data: msg.data,
        channel: `directory:${directory}`,
        verified,
      });
      handled += 1;
    }
  }
  let answers = await done;
  let ms = performance.now() - t;
  row('waitForResponses !ioauth: 100 makers x 3 directories', `${answers.size} complete`);
  row('  messages/s (verify + dedup)', `${Math.round((handled / ms) * 1000)}`);
  row('  duplicates dropped', String(wait.stats.duplicates));

  // !sig: three encrypted signatures per maker, each copy encrypted separately per directory.
  const sessions = new Map<string, { taker: EncryptionSession; maker: EncryptionSession }>();
  for (const m of makers) {
    const taker = new EncryptionSession();
    const maker = new EncryptionSession({ counterpartyKeyHex: taker.publicKeyHex });
    taker.setCounterpartyKey(maker.publicKeyHex);
    sessions.set(m.nick, { taker, maker });
  }
  // Each directory's copy was encrypted on its own, so only the plaintext shows they are the same.
  const sigs: Signed[] = [];
  for (const m of makers) {
    for (let k = 0; k < 3; k++) {
      for (const directory of DIRECTORIES) {
        void directory;
        sigs.push(sign(m, 'sig', sessions.get(m.nick)!.maker.encrypt(`witness-${m.nick}-${k}`)));
      }
    }
  }
  wait = new ResponseCollector({
    nicks,
    command: 'sig',
    expectedCounts: Object.fromEntries(nicks.map((n) => [n, 3])),
    decode: (nick, data) => sessions.get(nick)!.taker.decrypt(data),
    timeout: 60_000,
  });
  done = wait.wait();
  t = performance.now();
  handled = 0;
  for (const msg of sigs) {
    const verified = verify(msg);
    wait.push({ from: msg.from, command: 'sig', data: msg.data, channel: 'directory:x', verified });
    handled += 1;
  }
  answers = await done;
  ms = performance.now() - t;
  const complete = [...answers.values()].filter((a) => !a.error && a.messages.length === 3).length;
  row('waitForResponses !sig x3 encrypted: 100 makers x 3 directories', `${complete} complete`);
  row('  messages/s (verify + decrypt + dedup)', `${Math.round((handled / ms) * 1000)}`);
  row('  duplicates dropped', String(wait.stats.duplicates));
}

function anchor(): void {
  const [maker] = makeMakers(1);
  const msg = sign(maker!, 'ioauth', randomBytes(200).toString('base64'));
  const n = 300;
  const t = performance.now();
  for (let i = 0; i < n; i++) verify(msg);
  const ms = performance.now() - t;
  row('anchor: bare secp256k1 message verifications/s', String(Math.round((n / ms) * 1000)));
}

type WorkerReply = Record<string, unknown>;

function startWorker(): ChildProcess {
  return fork(join(import.meta.dirname, 'orderbook-market-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function reply(worker: ChildProcess, key: string): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const on = (msg: WorkerReply): void => {
      if (!(key in msg)) return;
      worker.off('message', on);
      resolve(msg);
    };
    worker.on('message', on);
  });
}

async function market(
  makers: number,
  taker: NickIdentity,
): Promise<{ worker: ChildProcess; dirs: string[] }> {
  const worker = startWorker();
  const ready = reply(worker, 'ready');
  worker.send({ cmd: 'start', makers, takerNick: taker.nick });
  const dirs = (await ready)['directories'] as string[];
  return { worker, dirs };
}

async function closeMarket(worker: ChildProcess): Promise<void> {
  const stopped = reply(worker, 'stopped');
  worker.send({ cmd: 'stop' });
  await stopped;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

async function socketOrderbookBench(): Promise<void> {
  const identity = NickIdentity.generate();
  const setup = now();
  const { worker, dirs } = await market(500, identity);
  row('sockets: 3 directories + 500 makers up (other process)', `${((now() - setup) / 1000).toFixed(1)} s`);
  const taker = new MultiDirectoryClient({
    directoryServers: dirs,
    identity,
    network: 'signet',
    preferDirectConnections: false,
    clientOptions: { getpeerlistChunkGap: 500 },
  });
  try {
    await taker.connectAll();
    const lastSent = reply(worker, 'lastSent');
    let allAt = 0;
    let cpuAll = 0;
    // The in-process phases above leave garbage behind; collect it first, so that this window
    // pays only for what the taker itself does from socket to book (GC it causes included).
    globalThis.gc?.();
    const t0 = now();
    const cpu = process.cpuUsage();
    taker.on('orderbookProgress', (p) => {
      if (p.offers === 1000 && allAt === 0) {
        allAt = now();
        cpuAll = cpuMs(cpu);
      }
    });
    const book = await taker.fetchOrderbook({ timeout: 30_000, minWait: 5000, quietPeriod: 2000 });
    const returned = now();
    const sentAt = (await lastSent)['lastSent'] as number;
    const keys = new Set(book.offers.map((o) => `${o.counterparty}:${o.oid}`));
    row('sockets orderbook: merged offers (expect 1000) / distinct', `${book.offers.length} / ${keys.size}`);
    row('sockets orderbook: fetchOrderbook() -> all 1,000 offers', `${(allAt - t0).toFixed(0)} ms`);
    row('sockets orderbook: last maker answer sent -> all offers in', `${(allAt - sentAt).toFixed(1)} ms`);
    row(
      'sockets orderbook: returned (minWait 5000, quiet 2000), end reason',
      `${(returned - t0).toFixed(0)} ms, ${book.reason}`,
    );
    row('sockets orderbook: taker CPU per 1,000 offers (socket to book)', `${cpuAll.toFixed(0)} ms`);
    if (allAt === 0 || keys.size !== book.offers.length) throw new Error('offers missing or duplicated');
    const valued = await valueBook(book.offers);
    row(
      'sockets orderbook: last answer sent -> book + bond values + JSON',
      `${(allAt - sentAt + valued.ms).toFixed(1)} ms (${valued.valid} valid bonds, ${valued.ms.toFixed(1)} ms valuing)`,
    );
  } finally {
    await taker.stop();
    await closeMarket(worker);
  }
}

async function socketResponsesBench(): Promise<void> {
  const identity = NickIdentity.generate();
  const { worker, dirs } = await market(100, identity);
  const perMaker = 10;
  const taker = new MultiDirectoryClient({
    directoryServers: dirs,
    identity,
    network: 'signet',
    preferDirectConnections: false,
  });
  try {
    await taker.connectAll();
    // Long enough for every maker to answer on a busy machine: the wait below needs them all.
    const book = await taker.fetchOrderbook({ timeout: 20_000, minWait: 3000, quietPeriod: 1000 });
    const nicks = [...new Set(book.offers.map((o) => o.counterparty))];
    const armed = reply(worker, 'armed');
    worker.send({ cmd: 'sigs', perMaker });
    await armed;
    const received = (): number =>
      [...taker.clients.values()].reduce((n, c) => n + (c.stats.received['privmsg'] ?? 0), 0);
    const before = received();
    const t0 = now();
    const cpu = process.cpuUsage();
    const wait = taker.waitForResponses(nicks, '!sig', {
      timeout: 30_000,
      expectedCounts: Object.fromEntries(nicks.map((n) => [n, perMaker])),
    });
    await Promise.all(nicks.map((n) => taker.sendPrivmsg(n, 'fill', `0 100000 ${'ab'.repeat(32)} Pcommit`)));
    const answers = await wait;
    const ms = now() - t0;
    const cpuUsed = cpuMs(cpu);
    const handled = received() - before;
    const complete = [...answers.values()].filter((a) => !a.error && a.messages.length === perMaker).length;
    row(
      `sockets waitForResponses: ${nicks.length} makers x 3 directories, ${perMaker} !sig each`,
      `${complete} complete`,
    );
    row('  messages taken in before the wait ended', String(handled));
    row('  messages/s (fill sent -> all complete)', String(Math.round((handled / ms) * 1000)));
    row('  taker CPU per message', `${((cpuUsed / handled) * 1000).toFixed(0)} us`);
  } finally {
    await taker.stop();
    await closeMarket(worker);
  }
}

anchor();
await orderbookBench();
await responsesBench();
await socketOrderbookBench();
await socketResponsesBench();
