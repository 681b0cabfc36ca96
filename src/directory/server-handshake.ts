/**
 * The server side of handshakes: validates a 793, keeps nicks unique (first live owner wins),
 * answers 795, and runs JMP-0005 nick authentication, through which a verified newcomer may take
 * a nick from an unverified owner.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { MessageType, NICK_AUTH_TIMEOUT_MS } from './constants.js';
import type { Envelope } from './envelope.js';
import {
  formatDirectoryHandshake,
  handshakeRejection,
  parseClientHandshake,
  type ClientHandshake,
  type Features,
} from './handshake.js';
import { checkNickAuthProof, formatNickAuthChallenge, formatNickAuthResult } from './nick-auth.js';
import type { DirectoryServer } from './server.js';
import type { ServerPeer } from './server-peer.js';

/** Handshake and nick-auth logic of a {@link DirectoryServer}. */
export class ServerHandshaker {
  private readonly features: Features;

  constructor(
    private readonly server: DirectoryServer,
    private readonly nickAuthId: string | undefined,
  ) {
    this.features = { peerlist_features: true, ping: true };
    if (nickAuthId !== undefined) this.features['nick_auth'] = true;
  }

  /** A message from a connection that is not registered yet. */
  onUnregistered(peer: ServerPeer, env: Envelope, now: number): void {
    if (peer.state === 'pending-auth') {
      if (env.type === MessageType.NICK_AUTH_PROOF) this.onProof(peer, env.line, now);
      else this.server.drop('not_handshaked');
      return;
    }
    if (env.type !== MessageType.HANDSHAKE) {
      this.server.drop('not_handshaked');
      return;
    }
    let hs: ClientHandshake;
    try {
      hs = parseClientHandshake(env.line);
    } catch {
      this.reject(peer, 'malformed', '');
      return;
    }
    const reason = handshakeRejection(hs, this.server.options.network);
    if (reason !== undefined) {
      this.reject(peer, reason, hs.nick);
      return;
    }
    peer.nick = hs.nick;
    peer.location = hs.location;
    peer.features = hs.features;
    const owner = this.server.peers.get(hs.nick);
    const canAuth = this.nickAuthId !== undefined && peer.has('nick_auth');
    if (owner !== undefined && !owner.channel.closed) {
      if (!canAuth || owner.verified) {
        this.reject(peer, 'nick_in_use', hs.nick);
        return;
      }
      // A verified proof may take the nick from its unverified owner: accept provisionally.
      peer.state = 'pending-auth';
      this.accept(peer);
      this.challenge(peer, env.line, now);
      return;
    }
    this.accept(peer);
    this.server.register(peer);
    if (canAuth) this.challenge(peer, env.line, now);
  }

  /** Expires an unanswered challenge. */
  checkExpiry(peer: ServerPeer, now: number): void {
    if (peer.challenge === undefined || now - peer.challenge.sentAt <= NICK_AUTH_TIMEOUT_MS) return;
    peer.challenge = undefined;
    this.server.sendTo(peer, MessageType.NICK_AUTH_RESULT, formatNickAuthResult('expired'));
    if (peer.state === 'pending-auth') this.server.evict(peer, 'nick_auth_expired', true);
  }

  private accept(peer: ServerPeer): void {
    this.server.stats.handshakesAccepted++;
    this.server.sendTo(peer, MessageType.DN_HANDSHAKE, this.reply(true));
  }

  private reject(peer: ServerPeer, reason: string, nick: string): void {
    const rejected = this.server.stats.handshakesRejected;
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    this.server.logger.debug({ nick, reason, remote: peer.remote }, 'handshake rejected');
    this.server.emit('reject', reason, nick);
    this.server.sendTo(peer, MessageType.DN_HANDSHAKE, this.reply(false, reason));
    peer.channel.end();
  }

  private reply(accepted: boolean, reason?: string): string {
    const o = this.server.options;
    return formatDirectoryHandshake({
      accepted,
      nick: this.server.nick,
      network: o.network,
      motd: reason === undefined ? o.motd : `Rejected: ${reason}`,
      features: this.features,
    });
  }

  private challenge(peer: ServerPeer, handshakeLine: string, now: number): void {
    const value = randomBytes(32).toString('hex');
    peer.challenge = { value, handshakeLine, sentAt: now };
    this.server.sendTo(
      peer,
      MessageType.NICK_AUTH_CHALLENGE,
      formatNickAuthChallenge(value, this.nickAuthId!),
    );
  }

  /** An 805 from a registered or provisional peer. */
  onProof(peer: ServerPeer, line: string, now: number): void {
    const challenge = peer.challenge;
    if (challenge === undefined) {
      this.server.drop('unexpected_nick_auth');
      return;
    }
    peer.challenge = undefined;
    const code =
      now - challenge.sentAt > NICK_AUTH_TIMEOUT_MS
        ? 'expired'
        : checkNickAuthProof(line, {
            challenge: challenge.value,
            directoryId: this.nickAuthId!,
            handshakeLine: challenge.handshakeLine,
            nick: peer.nick,
          });
    this.server.sendTo(peer, MessageType.NICK_AUTH_RESULT, formatNickAuthResult(code));
    if (code !== 'ok') {
      if (peer.state === 'pending-auth') this.server.evict(peer, `nick_auth_${code}`, true);
      return;
    }
    peer.verified = true;
    if (peer.state === 'pending-auth') {
      const owner = this.server.peers.get(peer.nick);
      if (owner !== undefined && owner !== peer) {
        if (owner.verified) {
          this.server.evict(peer, 'nick_in_use');
          return;
        }
        // Unregister first so the displaced owner's close does not broadcast a departure.
        this.server.peers.delete(owner.nick);
        owner.state = 'new';
        this.server.evict(owner, 'displaced');
      }
      this.server.register(peer);
    }
  }
}
