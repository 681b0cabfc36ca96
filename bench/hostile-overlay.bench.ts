/**
 * An overlay community under attack (issue 12, findings 1-4), in a child process of its own: a
 * healthy peer (here) walks to it with introduction requests at an honest rate, first alone and
 * then while an attacker process runs each attack. Two real peers (here too) keep answering, so
 * the server has someone to introduce. For each attack: the healthy peer's p50/p99 and losses
 * beside the same peer with no attack, the server's RSS before, at peak and after, the peers it
 * holds against maxPeers, and what it dropped by reason.
 *
 * Run: node --import tsx --expose-gc bench/hostile-overlay.bench.ts
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  Community,
  Endpoint,
  PrivateKey,
  type IntroResponse,
  type Peer,
  type UdpAddress,
} from '../src/overlay/index.js';
import { ask as askWorker, forkWorker } from './child-worker.js';
import type { AttackKind, Command, ServerSample } from './overlay-hostile-worker.js';

const ATTACK_MS = 5000;
const MAX_PEERS = 10;
/** One request every 60 ms: under the server's 20 per second per source, as an honest walker is. */
const HONEST_INTERVAL_MS = 60;
/** A request not answered within this is lost. */
const ANSWER_TIMEOUT_MS = 1000;

function ask<T>(worker: ChildProcess, command: Command): Promise<T> {
  return askWorker<T>(worker, command);
}

/** The healthy peer: times each introduction request until its response arrives. */
class HealthyPeer extends Community {
  private readonly waiting = new Map<number, (at: number) => void>();
  override introductionResponseCallback(_peer: Peer, _dist: bigint, payload: IntroResponse): void {
    this.waiting.get(payload.identifier)?.(performance.now());
    this.waiting.delete(payload.identifier);
  }
  /** One request to `to`; resolves with its round trip in ms, or undefined when lost. */
  ask(to: UdpAddress): Promise<number | undefined> {
    const start = performance.now();
    // The identifier is our global time mod 2^16, the next one claimed by the request.
    const identifier = Number((this.claimGlobalTime() + 1n) % 65536n);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(identifier);
        resolve(undefined);
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(identifier, (at) => {
        clearTimeout(timer);
        resolve(at - start);
      });
      this.walkTo(to);
    });
  }
}

interface HonestResult {
  p50: number;
  p99: number;
  lost: number;
  n: number;
}

async function honest(peer: HealthyPeer, to: UdpAddress, ms: number): Promise<HonestResult> {
  const asks: Array<Promise<number | undefined>> = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    asks.push(peer.ask(to));
    await new Promise((r) => setTimeout(r, HONEST_INTERVAL_MS));
  }
  const results = await Promise.all(asks);
  const times = results.filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), lost: results.length - times.length, n: results.length };
}

function droppedDelta(before: ServerSample, after: ServerSample): string {
  const parts: string[] = [];
  for (const [reason, n] of Object.entries(after.dropped)) {
    const d = n - (before.dropped[reason] ?? 0);
    if (d > 0) parts.push(`${reason} ${d}`);
  }
  const churned = after.peersRemoved - before.peersRemoved;
  if (churned > 0) parts.push(`silent peers churned ${churned}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

const ms = (x: number): string => x.toFixed(2);
const mb = (x: number): string => x.toFixed(0);

const communityId = randomBytes(20).toString('hex');
const serverProcess = forkWorker('overlay-hostile-worker.ts');
const attacker = forkWorker('overlay-hostile-worker.ts');
const locals: Array<{ endpoint: Endpoint; community: Community }> = [];
try {
  const { port } = await ask<{ port: number }>(serverProcess, {
    cmd: 'serve',
    communityId,
    maxPeers: MAX_PEERS,
  });
  const to = { host: '127.0.0.1', port };
  const make = async <C extends Community>(
    ctor: new (init: ConstructorParameters<typeof Community>[0]) => C,
  ): Promise<C> => {
    const endpoint = new Endpoint({ host: '127.0.0.1' });
    await endpoint.start();
    const community = new ctor({
      communityId: Buffer.from(communityId, 'hex'),
      endpoint,
      key: PrivateKey.generate(),
      tickMs: 0,
      churn: false,
    });
    await community.start();
    locals.push({ endpoint, community });
    return community;
  };
  for (let i = 0; i < 2; i++) (await make(Community)).walkTo(to);
  const probe = await make(HealthyPeer);
  await honest(probe, to, 1000); // warm-up
  const attacks: Array<[AttackKind, string]> = [
    ['unsolicited', 'unsolicited introduction responses, 300 keys'],
    ['table-fill', '31 requesters fill maxPeers then go silent'],
    ['expensive-requests', 'requests signed with a sect571r1 ECDSA key'],
    ['expensive-punctures', 'punctures signed with a sect571r1 ECDSA key'],
    ['reflection', 'puncture requests from 50 sources naming 100 ports of one host'],
  ];
  for (const [kind, label] of attacks) {
    const calm = await honest(probe, to, 2000);
    const before = await ask<ServerSample>(serverProcess, { cmd: 'mark' });
    const attackDone = ask<{ sent: number }>(attacker, {
      cmd: 'attack',
      kind,
      communityId,
      host: to.host,
      port,
      ms: ATTACK_MS,
    });
    const underAttack = await honest(probe, to, ATTACK_MS);
    const { sent } = await attackDone;
    // Let churn finish with the silent requesters before the last sample.
    if (kind === 'table-fill') await new Promise((r) => setTimeout(r, 3000));
    const after = await ask<ServerSample>(serverProcess, { cmd: 'sample' });
    console.log(
      `overlay community | ${label} | honest p50 ${ms(underAttack.p50)} ms p99 ${ms(underAttack.p99)} ms lost ${underAttack.lost}/${underAttack.n}` +
        ` | no attack: p50 ${ms(calm.p50)} ms p99 ${ms(calm.p99)} ms lost ${calm.lost}/${calm.n}` +
        ` | server RSS MB before ${mb(before.rss)} peak ${mb(after.peak)} after ${mb(after.rss)}` +
        ` | attacker dropped (${sent} sent; peers ${after.peers}/${MAX_PEERS}): ${droppedDelta(before, after)}`,
    );
  }
} finally {
  for (const l of locals) {
    await l.community.unload();
    await l.endpoint.stop();
  }
  serverProcess.disconnect();
  attacker.disconnect();
}
