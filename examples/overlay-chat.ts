/**
 * A small application community built only on peerway's public overlay API: peers that find each
 * other greet with three signed `Chat` messages, and every chat is answered with a signed `Ack`.
 * The same two messages declared in py-ipv8 (`@dataclass class Chat(DataClassPayload[1]): text:
 * str; n: int; tags: List[int]` and `class Ack(DataClassPayload[2]): n: int; ok: bool; echo:
 * bytes`) in a community with the same id talk to this one byte for byte.
 *
 * Run two of them (each prints one JSON line per event, then a summary):
 *
 * ```
 * node --import tsx examples/overlay-chat.ts --listen 127.0.0.1:7001 --seconds 10
 * node --import tsx examples/overlay-chat.ts --listen 127.0.0.1:0 --peer 127.0.0.1:7001 --seconds 10
 * ```
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  Community,
  dataclassPayload,
  Endpoint,
  NumberCache,
  parseUdpAddress,
  PrivateKey,
  RequestCache,
  type CommunityInit,
  type Peer,
  type ValueOf,
} from '../src/overlay/index.js';

/** The community id: 20 bytes, here readable ASCII. */
export const CHAT_COMMUNITY_ID = new TextEncoder().encode('peerway-chat-live-01');

/** `@dataclass(msg_id=1) Chat: text: str; n: int; tags: List[int]`. */
export const Chat = dataclassPayload('Chat', 1, { text: 'str', n: 'int', tags: { array: 'int' } });
/** `@dataclass(msg_id=2) Ack: n: int; ok: bool; echo: bytes`. */
export const Ack = dataclassPayload('Ack', 2, { n: 'int', ok: 'bool', echo: 'bytes' });

/** One thing that happened, as printed. */
export interface ChatEvent {
  ev: 'peer' | 'chat' | 'ack';
  from: string;
  n?: string;
  text?: string;
}

/** A chat waiting for its Ack; sent again when none came within a second, at most five times. */
class PendingChat extends NumberCache {
  constructor(
    readonly community: ChatCommunity,
    readonly peer: Peer,
    readonly chat: ValueOf<typeof Chat>,
    readonly tries: number,
  ) {
    super(`chat:${peer.id}`, Number(chat.n));
    this.timeoutMs = 1000;
  }

  override onTimeout(): void {
    if (this.tries < 5) this.community.sendChat(this.peer, this.chat, this.tries + 1);
  }
}

/** The chat community: greets each new peer, answers every chat, resends what was not acknowledged. */
export class ChatCommunity extends Community {
  readonly events: ChatEvent[] = [];
  readonly unacknowledged = new RequestCache({ maxSize: 1000 });
  private readonly seen = new Set<string>();
  private readonly report: (event: ChatEvent) => void;

  constructor(init: Omit<CommunityInit, 'communityId'> & { report?: (event: ChatEvent) => void }) {
    const { report, ...rest } = init;
    super({ ...rest, communityId: CHAT_COMMUNITY_ID });
    this.report = report ?? (() => {});
    this.addHandler(Chat, (peer, chat) => {
      // Every copy is acknowledged (the first Ack may have been lost); each chat is shown once.
      this.ezSend(peer, Ack, { n: chat.n, ok: true, echo: new TextEncoder().encode(chat.text) });
      if (this.firstTime(`chat:${peer.id}:${chat.n}`)) {
        this.record({ ev: 'chat', from: peer.toString(), n: String(chat.n), text: chat.text });
      }
    });
    this.addHandler(Ack, (peer, ack) => {
      // The Ack ends the wait for that chat.
      this.unacknowledged.pop(`chat:${peer.id}`, Number(ack.n));
      if (this.firstTime(`ack:${peer.id}:${ack.n}`)) {
        this.record({
          ev: 'ack',
          from: peer.toString(),
          n: String(ack.n),
          text: new TextDecoder().decode(ack.echo),
        });
      }
    });
  }

  /** Sends a chat and waits for its Ack. */
  sendChat(peer: Peer, chat: ValueOf<typeof Chat>, tries = 1): void {
    if (this.unacknowledged.has(`chat:${peer.id}`, Number(chat.n))) return;
    this.unacknowledged.add(new PendingChat(this, peer, chat, tries));
    this.ezSend(peer, Chat, chat);
  }

  override unload(): Promise<void> {
    this.unacknowledged.shutdown();
    return super.unload();
  }

  private firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size > 10_000) this.seen.clear();
    this.seen.add(key);
    return true;
  }

  /** A new verified peer: say hello three times. */
  override peerAdded(peer: Peer): void {
    super.peerAdded(peer);
    this.record({ ev: 'peer', from: peer.toString() });
    for (let n = 0; n < 3; n++) {
      this.sendChat(peer, { text: `ts-${n} ✓`, n: BigInt(n), tags: [BigInt(n), BigInt(-n), 2n ** 40n] });
    }
  }

  private record(event: ChatEvent): void {
    this.events.push(event);
    this.report(event);
  }
}

/** Runs one chat peer from command-line flags; resolves with its events when done. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<ChatEvent[]> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string', default: '127.0.0.1:0' },
      peer: { type: 'string', multiple: true, default: [] },
      seconds: { type: 'string', default: '10' },
    },
  });
  const listen = parseUdpAddress(values.listen);
  const endpoint = new Endpoint({ host: listen.host, port: listen.port });
  await endpoint.start();
  const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
  const community = new ChatCommunity({ endpoint, key: PrivateKey.generate(), report: print });
  await community.start();
  print({ ev: 'listening', address: `${endpoint.address.host}:${endpoint.address.port}` });
  for (const peer of values.peer) community.walkTo(parseUdpAddress(peer));
  await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
  const events = community.events;
  print({
    ev: 'summary',
    peers: community.getPeers().length,
    chats: events.filter((e) => e.ev === 'chat').length,
    acks: events.filter((e) => e.ev === 'ack').length,
    dropped: community.stats.dropped,
  });
  await community.unload();
  await endpoint.stop();
  return events;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
