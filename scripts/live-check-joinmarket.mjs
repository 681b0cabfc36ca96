// Live checks against the JoinMarket reference implementation (joinmarket-clientserver), on
// loopback in its plain-TCP testing mode. Not part of `npm test`: it needs a checkout of the
// reference and Python 3 with Twisted, txtorcon, libnacl and cryptography.
//
//   PEERWAY_JOINMARKET_PATH=<checkout> node scripts/live-check-joinmarket.mjs
//
// Skipped (exit 0) when PEERWAY_JOINMARKET_PATH is unset; PEERWAY_PYTHON picks the interpreter
// (default python3). Checks:
//   1. a reference client sees our maker's offers and bond through our directory;
//   2. the same through the reference directory;
//   3. our taker (`peerway orderbook --json`) sees a reference maker's signed offers and bond,
//      through our directory and through the reference directory;
//   4. our taker sends that maker !fill, gets its !pubkey, and the reference decrypts our !auth.
// Logs stay in a temporary directory, printed at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const reference = process.env.PEERWAY_JOINMARKET_PATH;
if (reference === undefined || reference === '') {
  console.log('live-check-joinmarket: PEERWAY_JOINMARKET_PATH is not set, skipped');
  process.exit(0);
}
if (!existsSync(join(reference, 'src', 'jmdaemon', 'onionmc.py'))) {
  console.error(`live-check-joinmarket: no src/jmdaemon/onionmc.py under ${reference}`);
  process.exit(2);
}
const python = process.env.PEERWAY_PYTHON ?? 'python3';
const driver = join(root, 'scripts', 'live-check-joinmarket.py');
const logs = mkdtempSync(join(tmpdir(), 'peerway-live-check-'));
const NETWORK = 'signet';
const children = new Set();

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a long-running child with stdout+stderr into logs/<name>.log. */
function start(name, command, args, env = {}) {
  const fd = openSync(join(logs, `${name}.log`), 'a');
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs a child to its end (killed after `ms`); resolves with its exit code. */
function run(name, command, args, ms, env = {}) {
  const child = start(name, command, args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    }),
  );
}

function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}

/** Polls a log until `pattern` matches; returns the match or undefined after `ms`. */
async function waitFor(name, pattern, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const path = join(logs, `${name}.log`);
    const m = existsSync(path) ? readFileSync(path, 'utf8').match(pattern) : null;
    if (m) return m;
    await sleep(250);
  }
  return undefined;
}

const pyEnv = { PYTHONPATH: join(reference, 'src') };
const tsx = ['--import', 'tsx'];
const cli = [...tsx, join(root, 'src', 'cli', 'main.ts')];

function referenceDirectory(name, port) {
  start(name, python, [driver, 'directory', '--port', String(port), '--network', NETWORK], pyEnv);
  return waitFor(name, /This is the genesis node/, 30_000);
}

function ourDirectory(name, port) {
  const dataDir = mkdtempSync(join(logs, `${name}-data-`));
  start(name, process.execPath, [
    ...cli,
    'directory',
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--network',
    NETWORK,
    '--data-dir',
    dataDir,
    '--no-http',
  ]);
  return waitFor(name, /directory listening/, 60_000);
}

// Our maker: MakerClient with two offers and a bond certificate (a bond over a made-up outpoint:
// the reference client checks its signatures only).
const MAKER_CODE = `
import { randomBytes } from 'node:crypto';
import { MakerClient, NickIdentity, parseOffer, signBondCertificate } from ${JSON.stringify(join(root, 'src', 'directory', 'index.ts'))};
import { publicKeyOf } from ${JSON.stringify(join(root, 'src', 'directory', 'wire', 'bitcoin-message.ts'))};
const cert = randomBytes(32), utxo = randomBytes(32), certPubkey = publicKeyOf(cert);
const maker = new MakerClient({
  directoryServers: process.argv.slice(1), identity: NickIdentity.generate(), network: ${JSON.stringify(NETWORK)},
  connectionTimeout: 20000,
  offers: [parseOffer('sw0reloffer 0 27300 1000000 0 0.00002'), parseOffer('sw0absoffer 1 30000 500000 0 250')],
  bond: { certSecretKey: cert, certPubkey, certSignature: signBondCertificate(utxo, certPubkey, 52), certExpiry: 52,
    utxoPubkey: publicKeyOf(utxo), txid: randomBytes(32).toString('hex'), vout: 0, locktime: 1800000000 },
});
maker.on('orderbookServed', (t, c) => console.log('orderbook served to', t, 'via', c));
await maker.start();
console.log('MAKER', maker.nick, 'connected', [...maker.clients.keys()].join(','));
process.on('SIGTERM', () => void maker.stop().then(() => process.exit(0)));
`;

// Our taker filling a reference maker: orderbook, !fill, !pubkey back, an encrypted !auth that
// the reference decrypts with libnacl, and the maker's !error that ends the exchange.
const TAKER_FILL_CODE = `
import { EncryptionSession, MultiDirectoryClient, NickIdentity } from ${JSON.stringify(join(root, 'src', 'directory', 'index.ts'))};
const [maker, ...dirs] = process.argv.slice(1);
const taker = new MultiDirectoryClient({ directoryServers: dirs, identity: NickIdentity.generate(), network: ${JSON.stringify(NETWORK)}, connectionTimeout: 20000 });
await taker.start();
await taker.fetchOrderbook({ minWait: 3000, quietPeriod: 2000, timeout: 30000 });
const session = new EncryptionSession();
console.log('fill via', await taker.sendPrivmsg(maker, 'fill', '0 150000 ' + session.publicKeyHex + ' P' + 'ab'.repeat(32)));
const pub = (await taker.waitForResponses([maker], '!pubkey', { timeout: 30000 })).get(maker);
if (pub === undefined || pub.error) { console.log('NO-PUBKEY'); process.exit(1); }
console.log('pubkey via', pub.channel, pub.data);
session.setCounterpartyKey(pub.data.split(' ')[0]);
const revelation = 'cd'.repeat(32) + ':1|02' + 'ef'.repeat(32) + '|03' + '12'.repeat(32) + '|' + '34'.repeat(32) + '|' + '56'.repeat(32);
console.log('auth via', await taker.sendPrivmsg(maker, 'auth', session.encrypt(revelation)));
console.log('AUTH-PLAINTEXT ' + revelation);
const end = (await taker.waitForResponses([maker], '!error', { timeout: 30000 })).get(maker);
console.log('ERROR-ANSWER ' + (end === undefined ? 'none' : end.data));
await taker.stop();
`;

async function ourTakerFills(name, directory, makerNick) {
  const code = await run(
    name,
    process.execPath,
    [...tsx, '--input-type=module', '-e', TAKER_FILL_CODE, makerNick, directory],
    120_000,
  );
  const out = readFileSync(join(logs, `${name}.log`), 'utf8');
  const plain = out.match(/^AUTH-PLAINTEXT (.*)$/m)?.[1];
  const makerLog = readFileSync(join(logs, 'reference-maker.log'), 'utf8');
  const seen = [...makerLog.matchAll(/decrypted !auth from (\S+): (.*)$/gm)].map((m) => [m[1], m[2]]);
  for (const line of out.split('\n').filter((l) => /^(fill|pubkey|auth) via|^ERROR-ANSWER/.test(l)))
    console.log(`    ${line}`);
  const decrypted = plain !== undefined && seen.some(([, text]) => text === plain);
  console.log(`  taker exit ${code}; the reference maker decrypted our !auth: ${decrypted}`);
  return code === 0 && decrypted && /^ERROR-ANSWER live check ends here$/m.test(out);
}

async function ourMaker(name, directories) {
  start(name, process.execPath, [...tsx, '--input-type=module', '-e', MAKER_CODE, ...directories]);
  const m = await waitFor(name, /MAKER (\S+) connected (\S+)/, 60_000);
  return m?.[1];
}

async function referenceClientSees(name, directory, makerNick) {
  const code = await run(
    name,
    python,
    [driver, 'client', '--dirs', directory, '--network', NETWORK, '--expect', '2', '--wait', '40'],
    90_000,
    pyEnv,
  );
  const log = readFileSync(join(logs, `${name}.log`), 'utf8');
  const books = [...log.matchAll(/^ORDERBOOK (.*)$/gm)].map((m) => JSON.parse(m[1]));
  const last = books.at(-1) ?? { offers: [], fidelitybonds: [] };
  const offers = last.offers.filter((o) => o.counterparty === makerNick);
  const bond = log.match(new RegExp(`^BONDCHECK ${makerNick} (.*)$`, 'm'))?.[1];
  console.log(`  reference client exit ${code}; offers of ${makerNick}:`);
  for (const o of offers)
    console.log(`    ${o.ordertype} ${o.oid} ${o.minsize}-${o.maxsize} txfee ${o.txfee} cjfee ${o.cjfee}`);
  console.log(`    bond: ${bond ?? 'none'}`);
  return offers.length === 2 && bond !== undefined && bond.startsWith('ok');
}

async function ourTakerSees(name, directory, makerNick) {
  const code = await run(
    name,
    process.execPath,
    [
      ...cli,
      'orderbook',
      '--directory',
      directory,
      '--network',
      NETWORK,
      '--json',
      '--min-wait',
      '5',
      '--quiet-period',
      '3',
      '--timeout',
      '40',
      '--connect-timeout',
      '20',
      '--log-level',
      'warn',
    ],
    90_000,
  );
  const text = readFileSync(join(logs, `${name}.log`), 'utf8');
  const start = text.indexOf('{');
  let book = { offers: [], fidelitybonds: [] };
  try {
    book = JSON.parse(text.slice(start, text.lastIndexOf('}') + 1));
  } catch {
    console.log('  could not read the JSON output');
  }
  const offers = book.offers.filter((o) => o.counterparty === makerNick);
  const bonds = book.fidelitybonds.filter((b) => b.counterparty === makerNick);
  console.log(`  peerway orderbook exit ${code}; offers of ${makerNick}:`);
  for (const o of offers)
    console.log(`    ${o.ordertype} ${o.oid} ${o.minsize}-${o.maxsize} txfee ${o.txfee} cjfee ${o.cjfee}`);
  for (const b of bonds)
    console.log(`    bond ${b.utxo.txid}:${b.utxo.vout} locktime ${b.locktime} cert_expiry ${b.cert_expiry}`);
  return code === 0 && offers.length === 2 && bonds.length === 1;
}

const results = [];
async function check(title, fn) {
  console.log(`${title}`);
  let ok = false;
  try {
    ok = await fn();
  } catch (err) {
    console.log(`  error: ${err instanceof Error ? err.message : String(err)}`);
  }
  console.log(`  ${ok ? 'PASS' : 'FAIL'}`);
  results.push(ok);
}

const hardStop = setTimeout(() => {
  console.error('live-check-joinmarket: overall deadline passed');
  stopAll();
  process.exit(1);
}, 600_000);

try {
  const ourPort = await freePort();
  const refPort = await freePort();
  const ourDir = `127.0.0.1:${ourPort}`;
  const refDir = `127.0.0.1:${refPort}`;
  if (!(await ourDirectory('our-directory', ourPort))) throw new Error('our directory did not start');
  if (!(await referenceDirectory('reference-directory', refPort)))
    throw new Error('the reference directory did not start');

  const makerA = await ourMaker('our-maker-ours', [ourDir]);
  await check(`1. reference client <- our directory ${ourDir} <- our maker ${makerA}`, () =>
    referenceClientSees('reference-client-1', ourDir, makerA),
  );
  const makerB = await ourMaker('our-maker-reference', [refDir]);
  await check(`2. reference client <- reference directory ${refDir} <- our maker ${makerB}`, () =>
    referenceClientSees('reference-client-2', refDir, makerB),
  );

  const makerPort = await freePort();
  start(
    'reference-maker',
    python,
    [
      driver,
      'maker',
      '--port',
      String(makerPort),
      '--dirs',
      `${ourDir},${refDir}`,
      '--network',
      NETWORK,
      '--bond',
      '--offers',
      'sw0reloffer 0 100000 5000000 0 0.00025;sw0absoffer 1 200000 3000000 0 1500',
    ],
    pyEnv,
  );
  const refMaker = (await waitFor('reference-maker', /LIVECHECK nick (\S+)/, 30_000))?.[1];
  await waitFor('reference-maker', /LIVECHECK on_welcome/, 90_000);
  await check(`3a. our taker <- our directory ${ourDir} <- reference maker ${refMaker}`, () =>
    ourTakerSees('our-taker-1', ourDir, refMaker),
  );
  await check(`3b. our taker <- reference directory ${refDir} <- reference maker ${refMaker}`, () =>
    ourTakerSees('our-taker-2', refDir, refMaker),
  );
  await check(
    `4. our taker fills reference maker ${refMaker} through our directory ${ourDir} (!fill, !pubkey, encrypted !auth)`,
    () => ourTakerFills('our-taker-fill', ourDir, refMaker),
  );
} catch (err) {
  console.log(`error: ${err instanceof Error ? err.message : String(err)}`);
  results.push(false);
} finally {
  clearTimeout(hardStop);
  stopAll();
}
console.log(`logs: ${logs}`);
const failed = results.filter((ok) => !ok).length;
console.log(failed === 0 ? 'all live checks passed' : `${failed} live check(s) failed`);
process.exit(failed === 0 ? 0 : 1);
