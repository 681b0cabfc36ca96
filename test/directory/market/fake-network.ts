// An in-memory stand-in for directories and makers, for the socket-free taker logic. Makers
// answer !orderbook with their chained offers, and play fill/pubkey/auth/ioauth/tx/sig with real
// encryption, replying on the channel the request came through (or through every directory they
// are on, as joinmarket-ng makers do, when `replyEverywhere` is set).
import { bodyToPrivmsg, formatOfferMessage } from '../../../src/directory/market/command-chain.js';
import { EncryptionSession } from '../../../src/directory/market/encryption.js';
import { type TakerRouter } from '../../../src/directory/market/taker-router.js';
import { type Offer } from '../../../src/directory/market/offer.js';
import { type DirectoryPort, type DirectPort } from '../../../src/directory/market/ports.js';

export interface FakeMaker {
  nick: string;
  offers: Offer[];
  directories: Set<string>;
  /** Base64 bond proof to attach to orderbook answers. */
  bondProof?: string;
  /** Number of !sig messages sent for a !tx. */
  inputs?: number;
  replyEverywhere?: boolean;
  /** Answers !auth with !error instead of !ioauth. */
  refuseAuth?: boolean;
  session?: EncryptionSession;
}

export interface SentPrivmsg {
  channel: string;
  to: string;
  command: string;
  data: string;
}

export class FakeNetwork {
  readonly makers = new Map<string, FakeMaker>();
  readonly alive = new Set<string>();
  readonly direct = new Set<string>();
  readonly sent: SentPrivmsg[] = [];
  readonly pubmsgs: Array<{ directory: string; body: string }> = [];
  /** Directories that still claim to be up but refuse every privmsg (queue full, say). */
  readonly refusing = new Set<string>();
  /** Direct sends throw while this holds (a link that died mid-write). */
  directBroken = false;

  constructor(
    readonly core: TakerRouter,
    directories: string[],
  ) {
    for (const id of directories) {
      this.alive.add(id);
      core.addDirectory(this.port(id));
    }
    core.setDirectPort(this.directPort());
  }

  addMaker(maker: FakeMaker): void {
    this.makers.set(maker.nick, maker);
    for (const d of maker.directories)
      this.core.handlePeerlist(d, [{ nick: maker.nick, disconnected: false }]);
  }

  /** Kills a directory: sends through it fail, nothing more arrives through it. */
  kill(id: string): void {
    this.alive.delete(id);
    this.core.removeDirectory(id);
  }

  port(id: string): DirectoryPort {
    const alive = this.alive;
    return {
      id,
      get connected() {
        return alive.has(id);
      },
      sendPubmsg: (body) => {
        if (!this.alive.has(id)) return false;
        this.pubmsgs.push({ directory: id, body });
        if (body === 'orderbook') {
          for (const maker of this.makers.values()) {
            if (maker.directories.has(id)) this.#answerOrderbook(maker, `directory:${id}`);
          }
        }
        return true;
      },
      sendPrivmsg: (to, command, data) => {
        // A dead connection rejects; a refusing one answers false: both count as failures.
        if (!this.alive.has(id)) return Promise.reject(new Error(`${id} is down`));
        if (this.refusing.has(id)) return false;
        this.#deliver(`directory:${id}`, to, command, data);
        return true;
      },
    };
  }

  directPort(): DirectPort {
    return {
      isConnected: (nick) => this.direct.has(nick),
      sendPrivmsg: (to, command, data) => {
        if (!this.direct.has(to) || this.directBroken) return Promise.reject(new Error('direct link down'));
        this.#deliver('direct', to, command, data);
        return Promise.resolve();
      },
    };
  }

  #deliver(channel: string, to: string, command: string, data: string): void {
    this.sent.push({ channel, to, command, data });
    const maker = this.makers.get(to);
    if (maker !== undefined) setImmediate(() => this.#makerReceives(maker, channel, command, data));
  }

  #answerOrderbook(maker: FakeMaker, channel: string): void {
    const { command, data } = bodyToPrivmsg(formatOfferMessage(maker.offers, maker.bondProof));
    setImmediate(() => this.#reply(maker, channel, command, data, false));
  }

  #makerReceives(maker: FakeMaker, channel: string, command: string, data: string): void {
    if (command === 'fill') {
      const [, , takerKey] = data.split(' ');
      maker.session = new EncryptionSession({ counterpartyKeyHex: takerKey! });
      this.#reply(maker, channel, 'pubkey', maker.session.publicKeyHex);
    } else if (command === 'auth') {
      const revelation = maker.session!.decrypt(data);
      if (maker.refuseAuth === true) this.#reply(maker, channel, 'error', 'commitment blacklisted');
      else
        this.#reply(
          maker,
          channel,
          'ioauth',
          maker.session!.encrypt(`utxos-of-${maker.nick} for ${revelation}`),
        );
    } else if (command === 'tx') {
      const tx = maker.session!.decrypt(data);
      for (let i = 0; i < (maker.inputs ?? 1); i++) {
        this.#reply(maker, channel, 'sig', maker.session!.encrypt(`sig${i}-${maker.nick}-${tx.length}`));
      }
    }
  }

  #reply(
    maker: FakeMaker,
    channel: string,
    command: string,
    data: string,
    everywhere = maker.replyEverywhere === true,
  ): void {
    const channels = everywhere ? [...maker.directories].map((d) => `directory:${d}`) : [channel];
    for (const ch of channels) {
      if (ch !== 'direct' && !this.alive.has(ch.slice('directory:'.length))) continue;
      if (ch === 'direct' && !this.direct.has(maker.nick)) continue;
      this.core.handlePrivmsg({ from: maker.nick, command, data, channel: ch, verified: true });
    }
  }
}
