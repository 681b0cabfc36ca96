/**
 * What the directory does with messages from registered peers: pubmsg to all others, privmsg
 * to one (then the sender's entry, if it serves an onion), getpeerlist in spaced chunks, ping/pong,
 * and departure broadcasts. The `from` of every pub/privmsg must be the connection's own nick.
 *
 * @module
 */
import { bump } from '../../core/index.js';
import {
  MessageType,
  PEERLIST_CHUNK_SIZE,
  PUBLIC_TARGET,
  encodeEnvelope,
  type Envelope,
  parseMessageLine,
} from '../wire/index.js';
import type { ServerContext } from './server-context.js';
import type { ServerHandshaker } from './server-handshake.js';
import type { ServerPeer } from './server-peer.js';

/** Relay logic of the directory server. */
export class ServerRelay {
  #departures: Array<{ nick: string; entry: string }> = [];
  #departureFlush: NodeJS.Immediate | undefined;

  constructor(
    private readonly server: ServerContext,
    private readonly handshaker: ServerHandshaker,
  ) {}

  /** One message from a registered peer. */
  onMessage(peer: ServerPeer, env: Envelope, canonical: string | undefined): void {
    switch (env.type) {
      case MessageType.PRIVMSG:
        this.privmsg(peer, env.line, canonical);
        return;
      case MessageType.PUBMSG:
        this.pubmsg(peer, env.line, canonical);
        return;
      case MessageType.GETPEERLIST:
        this.getpeerlist(peer);
        return;
      case MessageType.PING:
        // 799 only to peers that said they understand it: the reference drops on it.
        if (peer.has('ping')) this.server.send(peer, MessageType.PONG, '');
        return;
      case MessageType.PONG:
        return;
      case MessageType.DISCONNECT:
        peer.channel.destroy();
        return;
      case MessageType.NICK_AUTH_PROOF:
        this.handshaker.onProof(peer, env.line, Date.now());
        return;
      case MessageType.HANDSHAKE:
        this.server.drop('repeat_handshake');
        return;
      default:
        this.server.drop('unknown_type');
    }
  }

  private privmsg(peer: ServerPeer, line: string, canonical: string | undefined): void {
    const msg = parseMessageLine(line);
    if (msg === undefined) return this.server.drop('bad_message');
    if (msg.from !== peer.nick) return this.server.drop('spoofed');
    // Makers answer the directory's `!orderbook` liveness probe with offers to its nick.
    if (msg.to === this.server.nick) return this.server.drop('to_directory');
    const target = this.server.peer(msg.to);
    if (target === undefined) return this.remotePrivmsg(peer, msg.to, line, canonical);
    if (target === peer) return this.server.drop('unknown_recipient');
    const text = canonical === undefined ? encodeEnvelope(MessageType.PRIVMSG, line) : canonical + '\r\n';
    if (!this.server.sendText(target, text)) return;
    bump(this.server.stats.relayed, 'privmsg');
    if (peer.serving) {
      this.server.send(target, MessageType.PEERLIST, peer.entry(target.has('peerlist_features')));
    }
  }

  /** A privmsg for a nick on another instance of the cluster goes there once, bytes unchanged. */
  private remotePrivmsg(peer: ServerPeer, to: string, line: string, canonical: string | undefined): void {
    const cluster = this.server.cluster;
    const target = cluster?.remote(to);
    if (cluster === undefined || target === undefined) return this.server.drop('unknown_recipient');
    const text = canonical === undefined ? encodeEnvelope(MessageType.PRIVMSG, line) : canonical + '\r\n';
    const entry = peer.serving ? { plain: peer.entry(false), features: peer.entry(true) } : undefined;
    if (cluster.privmsg(target, text, entry)) bump(this.server.stats.relayed, 'privmsg');
  }

  /** A privmsg from another instance for a local peer, then the sender's entry as for a local one. */
  deliverPrivmsg(
    to: string,
    text: string,
    senderEntry: { plain: string; features: string } | undefined,
  ): boolean {
    const target = this.server.peer(to);
    if (target === undefined) {
      this.server.drop('unknown_recipient');
      return false;
    }
    if (!this.server.sendText(target, text)) return false;
    if (senderEntry !== undefined) {
      const withFeatures = target.has('peerlist_features');
      this.server.send(target, MessageType.PEERLIST, withFeatures ? senderEntry.features : senderEntry.plain);
    }
    return true;
  }

  /** A pubmsg from another instance, for every local registered peer. */
  deliverPubmsg(text: string): number {
    let sent = 0;
    for (const other of this.server.registered()) if (this.server.sendText(other, text)) sent++;
    return sent;
  }

  private pubmsg(peer: ServerPeer, line: string, canonical: string | undefined): void {
    const msg = parseMessageLine(line);
    if (msg === undefined || msg.to !== PUBLIC_TARGET) return this.server.drop('bad_message');
    if (msg.from !== peer.nick) return this.server.drop('spoofed');
    const text = canonical === undefined ? encodeEnvelope(MessageType.PUBMSG, line) : canonical + '\r\n';
    let sent = 0;
    for (const other of this.server.registered()) {
      if (other !== peer && this.server.sendText(other, text)) sent++;
    }
    bump(this.server.stats.relayed, 'pubmsg', sent);
    // Once per pubmsg, whatever the number of instances and clients behind them.
    this.server.cluster?.pubmsg(text);
  }

  /**
   * Answers 791 with the current entries in chunks of 20, `peerlistChunkSpacing` ms apart as ng
   * does (a timer per requester, so nobody else waits). A request while an answer is still
   * going out is dropped.
   */
  private getpeerlist(peer: ServerPeer): void {
    if (peer.peerlistTimer !== undefined) return this.server.drop('peerlist_in_progress');
    const withFeatures = peer.has('peerlist_features');
    const entries: string[] = [];
    for (const other of this.server.registered()) {
      if (other !== peer) entries.push(other.entry(withFeatures));
    }
    const cluster = this.server.cluster;
    if (cluster !== undefined) {
      for (const remote of cluster.remotes()) {
        if (this.server.peer(remote.nick) === undefined) entries.push(remote.entry(withFeatures));
      }
    }
    bump(this.server.stats.relayed, 'peerlist');
    if (entries.length === 0) {
      this.server.send(peer, MessageType.PEERLIST, '');
      return;
    }
    const chunks: string[] = [];
    for (let i = 0; i < entries.length; i += PEERLIST_CHUNK_SIZE) {
      chunks.push(entries.slice(i, i + PEERLIST_CHUNK_SIZE).join(','));
    }
    const spacing = this.server.options.peerlistChunkSpacing;
    const sendNext = (): void => {
      peer.peerlistTimer = undefined;
      if (peer.channel.closed) return;
      this.server.send(peer, MessageType.PEERLIST, chunks.shift()!);
      if (chunks.length === 0) return;
      if (spacing <= 0) return sendNext();
      peer.peerlistTimer = setTimeout(sendNext, spacing);
    };
    sendNext();
  }

  /** Stops a getpeerlist answer still going out to `peer`. */
  cancelPeerlist(peer: ServerPeer): void {
    clearTimeout(peer.peerlistTimer);
    peer.peerlistTimer = undefined;
  }

  /**
   * Tells every registered peer that `peer` left: `nick;location;D`. Departures of one I/O phase
   * go out together, up to 20 entries a 789 line (a peerlist may carry several entries), so that
   * many peers leaving at once cost each reader a few lines, not one per departure.
   */
  broadcastDeparture(peer: ServerPeer): void {
    this.broadcastDepartureOf(peer.nick, peer.location);
  }

  /** Same as {@link broadcastDeparture}, for a nick that was registered on another instance. */
  broadcastDepartureOf(nick: string, location: string): void {
    this.#departures.push({ nick, entry: `${nick};${location};D` });
    bump(this.server.stats.relayed, 'departure');
    this.#departureFlush ??= setImmediate(() => this.#flushDepartures());
  }

  /** Drops departures not sent yet (the server is stopping). */
  cancelDepartures(): void {
    clearImmediate(this.#departureFlush);
    this.#departureFlush = undefined;
    this.#departures = [];
  }

  #flushDepartures(): void {
    this.#departureFlush = undefined;
    // A nick that is registered again by now never looked gone to anyone: no departure for it.
    const entries = this.#departures
      .filter(
        (d) => this.server.peer(d.nick) === undefined && this.server.cluster?.remote(d.nick) === undefined,
      )
      .map((d) => d.entry);
    this.#departures = [];
    for (let i = 0; i < entries.length; i += PEERLIST_CHUNK_SIZE) {
      const text = encodeEnvelope(MessageType.PEERLIST, entries.slice(i, i + PEERLIST_CHUNK_SIZE).join(','));
      for (const other of this.server.registered()) this.server.sendText(other, text);
    }
  }
}
