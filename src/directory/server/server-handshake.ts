/**
 * The server side of handshakes: validates a 793, keeps nicks unique (first live owner wins),
 * answers 795, and runs JMP-0005 nick authentication the way joinmarket-ng's directory does: a
 * peer that negotiated it is registered only after its proof verifies, any other outcome closes
 * the connection after the 807, and a verified claim takes the nick from an unverified owner (or
 * from an older connection of the same key; from a different verified key it gets `policy`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { bump, ErrorCodes, PeerwayError } from '../../core/index.js';
import {
  MessageType,
  formatDirectoryHandshake,
  handshakeRejection,
  parseClientHandshake,
  type ClientHandshake,
  type Features,
  checkNickAuthProof,
  formatNickAuthChallenge,
  formatNickAuthResult,
  isNickAuthDirectoryId,
  type NickAuthCode,
} from '../wire/index.js';
import { NICK_AUTH_TIMEOUT_MS } from './constants.js';
import type { Envelope } from '../wire/index.js';
import type { ClaimResult, ClusterLink, NickClaim } from './cluster-link.js';
import type { ServerContext } from './server-context.js';
import type { ServerPeer } from './server-peer.js';

/** Handshake and nick-auth logic of the directory server. */
export class ServerHandshaker {
  private readonly features: Features;

  constructor(
    private readonly server: ServerContext,
    private readonly nickAuthId: string | undefined,
  ) {
    if (nickAuthId !== undefined && !isNickAuthDirectoryId(nickAuthId)) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `bad nick-auth directory id ${nickAuthId}`);
    }
    this.features = { peerlist_features: true, ping: true };
    if (nickAuthId !== undefined) this.features['nick_auth'] = true;
  }

  /** A message from a connection that is not registered yet. */
  onUnregistered(peer: ServerPeer, env: Envelope, now: number): void {
    if (peer.state === 'pending-auth') {
      // ng reads the next line as the proof: anything else is a malformed proof.
      if (env.type === MessageType.NICK_AUTH_PROOF) this.onProof(peer, env.line, now);
      else this.fail(peer, 'malformed');
      return;
    }
    if (env.type !== MessageType.HANDSHAKE || peer.state === 'claiming') {
      this.server.drop('not_handshaked');
      return;
    }
    if (!this.server.admitHandshake(peer, now)) {
      // A flood of joins (each one a departure line to everyone later) costs only its source.
      this.server.drop('handshake_rate');
      this.server.evict(peer, 'handshake_rate');
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
    if (this.nickAuthId !== undefined && this.server.options.nickAuthRequired && !peer.has('nick_auth')) {
      this.reject(peer, 'nick_auth_required', hs.nick);
      return;
    }
    if (this.nickAuthId !== undefined && peer.has('nick_auth')) {
      // As ng: 795, then 803, and the peer is registered only once its proof verifies.
      peer.state = 'pending-auth';
      this.accept(peer);
      this.challenge(peer, env.line, now);
      return;
    }
    const owner = this.server.peer(hs.nick);
    if (owner !== undefined && !owner.channel.closed) {
      this.reject(peer, 'nick_in_use', hs.nick);
      return;
    }
    if (this.server.cluster !== undefined) {
      this.claimInCluster(peer, this.server.cluster, undefined);
      return;
    }
    this.accept(peer);
    this.server.register(peer);
  }

  /**
   * Asks the cluster for the nick before registering (first claimant wins across instances). The
   * connection waits in `claiming`; lines it sends meanwhile are dropped as not handshaked.
   */
  private claimInCluster(peer: ServerPeer, cluster: ClusterLink, pubkey: string | undefined): void {
    peer.state = 'claiming';
    const claim: NickClaim = {
      nick: peer.nick,
      location: peer.location,
      features: peer.featureNames(),
      verified: pubkey !== undefined,
    };
    if (pubkey !== undefined) claim.pubkey = pubkey;
    const settle = (result: ClaimResult): void => {
      if (peer.channel.closed) {
        if (result === 'ok') cluster.release(peer.nick);
        return;
      }
      if (pubkey === undefined) {
        if (result !== 'ok') {
          this.reject(peer, result === 'unavailable' ? 'cluster_unavailable' : 'nick_in_use', peer.nick);
          return;
        }
        this.accept(peer);
        this.server.register(peer);
        return;
      }
      if (result !== 'ok') return this.fail(peer, 'policy');
      this.registerVerified(peer, pubkey);
    };
    cluster.claim(claim).then(settle, () => settle('unavailable'));
  }

  /** Expires an unanswered challenge: 807 `expired`, then the connection is closed. */
  checkExpiry(peer: ServerPeer, now: number): void {
    if (peer.challenge === undefined || now - peer.challenge.sentAt <= NICK_AUTH_TIMEOUT_MS) return;
    this.fail(peer, 'expired');
  }

  private accept(peer: ServerPeer): void {
    this.server.stats.handshakesAccepted++;
    this.server.send(peer, MessageType.DN_HANDSHAKE, this.reply(true));
  }

  private reject(peer: ServerPeer, reason: string, nick: string): void {
    bump(this.server.stats.handshakesRejected, reason);
    this.server.logger.debug({ nick, reason, remote: peer.remote }, 'handshake rejected');
    this.server.rejected(reason, nick);
    this.server.send(peer, MessageType.DN_HANDSHAKE, this.reply(false, reason));
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
    this.server.send(peer, MessageType.NICK_AUTH_CHALLENGE, formatNickAuthChallenge(value, this.nickAuthId!));
  }

  /** An 805 from a peer waiting for its challenge. */
  onProof(peer: ServerPeer, line: string, now: number): void {
    const challenge = peer.challenge;
    if (challenge === undefined) {
      this.server.drop('unexpected_nick_auth');
      return;
    }
    if (now - challenge.sentAt > NICK_AUTH_TIMEOUT_MS) return this.fail(peer, 'expired');
    const check = checkNickAuthProof(line, {
      challenge: challenge.value,
      directoryId: this.nickAuthId!,
      handshakeLine: challenge.handshakeLine,
      nick: peer.nick,
    });
    if (check.code !== 'ok') return this.fail(peer, check.code);
    peer.challenge = undefined;
    const owner = this.server.peer(peer.nick);
    // A verified claim displaces an unverified owner or the same key's older connection.
    if (owner !== undefined && owner !== peer && !owner.channel.closed && owner.verified) {
      if (owner.verifiedPubkey !== check.pubkey) return this.fail(peer, 'policy');
    }
    if (this.server.cluster !== undefined) {
      this.claimInCluster(peer, this.server.cluster, check.pubkey);
      return;
    }
    this.registerVerified(peer, check.pubkey);
  }

  private registerVerified(peer: ServerPeer, pubkey: string | undefined): void {
    const owner = this.server.peer(peer.nick);
    if (owner !== undefined && owner !== peer && !owner.channel.closed) {
      if (owner.verified && owner.verifiedPubkey !== pubkey) return this.fail(peer, 'policy');
      // Unregister first so the displaced owner's close does not broadcast a departure.
      this.server.unregister(owner);
      this.server.evict(owner, 'displaced');
    }
    peer.verified = true;
    peer.verifiedPubkey = pubkey;
    this.server.send(peer, MessageType.NICK_AUTH_RESULT, formatNickAuthResult('ok'));
    this.server.register(peer);
  }

  /** Any outcome but `ok` closes the connection after its 807, as ng does. */
  private fail(peer: ServerPeer, code: Exclude<NickAuthCode, 'ok'>): void {
    peer.challenge = undefined;
    this.server.send(peer, MessageType.NICK_AUTH_RESULT, formatNickAuthResult(code));
    this.server.evict(peer, `nick_auth_${code}`, true);
  }
}
