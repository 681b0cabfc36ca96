// Orderbook layer costs without sockets: what a taker spends on each message its directories
// deliver. The directory wire layer is not on this branch, so the per-message signature check is
// done here the way it will be (Bitcoin-message ECDSA over data + "onion-network"); the nick-hash
// check and the envelope JSON are not included.
//
//   1. 500 makers x 3 directories answer !orderbook (2 offers each, every 5th with a bond proof)
//      through MultiDirectoryCore: time until every offer is in the book, early exit, CPU per
//      1,000 offers processed, and the merged count (must be 1,000, no duplicates).
//   2. waitForResponses over 100 makers x 3 directories: !ioauth (1 each) and encrypted !sig
//      (3 each): messages per second with signature checks and deduplication.
//   Anchor: bare signature verifications per second on this machine.
import { randomBytes } from 'node:crypto';
import {
  EncryptionSession,
  bodyToPrivmsg,
  MultiDirectoryCore,
  ResponseCollector,
  createBondProof,
  formatOfferMessage,
  publicKeyOf,
  signBitcoinMessageBytes,
  signBondCertificate,
  verifyBitcoinMessageBytes,
  type Offer,
} from '../src/directory/orderbook/index.js';

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
  const cert = randomBytes(32);
  const utxo = randomBytes(32);
  const certPubkey = publicKeyOf(cert);
  const bondCert = {
    certSecretKey: cert,
    certPubkey,
    certSignature: signBondCertificate(utxo, certPubkey, 52),
    certExpiry: 52,
    utxoPubkey: publicKeyOf(utxo),
    txid: randomBytes(32).toString('hex'),
    vout: 0,
    locktime: 1_800_000_000,
  };
  const answers = makers.map((maker, i) => {
    const offers: Offer[] = [
      { type: 'sw0reloffer', oid: 0, minsize: 27300, maxsize: 1_000_000 + i, txfee: 0, cjfee: '0.00002' },
      { type: 'sw0absoffer', oid: 1, minsize: 27300, maxsize: 500_000 + i, txfee: 0, cjfee: '250' },
    ];
    const bond =
      i % 5 === 0 ? createBondProof(bondCert, { takerNick: TAKER, makerNick: maker.nick }) : undefined;
    const body = formatOfferMessage(offers, bond);
    // The signed data of a chained answer is everything after the first command word.
    const { command, data } = bodyToPrivmsg(body);
    return sign(maker, command, data);
  });

  // Long waits: the bench ends collection itself once every message is in.
  // Through the taker core, as the client will use it: the directory layer's job (signature check
  // of each line, skipping byte-identical copies already checked) is done here.
  const core = new MultiDirectoryCore({ nick: TAKER });
  for (const id of DIRECTORIES) {
    core.addDirectory({
      id,
      connected: true,
      sendPubmsg: () => true,
      sendPrivmsg: () => true,
    });
  }
  let complete = 0;
  core.on('orderbookProgress', (p) => {
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

anchor();
await orderbookBench();
await responsesBench();
