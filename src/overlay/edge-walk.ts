import { EDGE_WALK } from './constants.js';
import type { Peer } from './peer.js';
import type { DiscoveryStrategy, Walkable } from './strategies.js';

/** Options for {@link EdgeWalk}. */
export interface EdgeWalkInit {
  /** Peers per edge, root included. @default 4 */
  edgeLength?: number;
  /** Roots (direct neighbours) to grow edges from. @default 6 */
  neighborhoodSize?: number;
  /** An edge that did not grow for this many ms is complete. @default 3000 */
  edgeTimeoutMs?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

interface Edge {
  peers: Peer[];
  grownAt: number;
}

/**
 * py-ipv8's EdgeWalk: first gather a neighbourhood of roots, then from each root grow a chain of
 * peers, each introduced by the previous one, up to `edgeLength` or until it stalls. When every
 * edge is complete, start again with fresh roots.
 */
export class EdgeWalk implements DiscoveryStrategy {
  private readonly edgeLength: number;
  private readonly neighborhoodSize: number;
  private readonly edgeTimeoutMs: number;
  private readonly now: () => number;
  private edges: Edge[] = [];
  private done = 0;
  /** How often an edge grew by one peer, and the longest edge (root included) built so far. */
  readonly stats = { grown: 0, longestEdge: 0 };

  constructor(
    private readonly overlay: Walkable,
    init: EdgeWalkInit = {},
  ) {
    this.edgeLength = init.edgeLength ?? EDGE_WALK.edgeLength;
    this.neighborhoodSize = init.neighborhoodSize ?? EDGE_WALK.neighborhoodSize;
    this.edgeTimeoutMs = init.edgeTimeoutMs ?? EDGE_WALK.edgeTimeoutMs;
    this.now = init.now ?? Date.now;
  }

  takeStep(): void {
    const now = this.now();
    if (this.edges.length === 0) {
      const peers = this.overlay.getPeers();
      if (peers.length < this.neighborhoodSize) {
        const walkable = this.overlay.getWalkableAddresses();
        if (walkable.length > 0) this.overlay.walkTo(walkable[Math.floor(Math.random() * walkable.length)]!);
        else this.overlay.getNewIntroduction();
        return;
      }
      this.edges = peers.slice(0, this.neighborhoodSize).map((p) => ({ peers: [p], grownAt: now }));
      this.done = 0;
    }
    for (const edge of this.edges) {
      if (edge.peers.length >= this.edgeLength || now - edge.grownAt > this.edgeTimeoutMs) continue;
      this.grow(edge, now);
    }
    this.done = this.edges.filter(
      (e) => e.peers.length >= this.edgeLength || now - e.grownAt > this.edgeTimeoutMs,
    ).length;
    if (this.done === this.edges.length) this.edges = [];
  }

  private grow(edge: Edge, now: number): void {
    const tail = edge.peers[edge.peers.length - 1]!;
    const inEdge = new Set(edge.peers.map((p) => p.id));
    const introduced = this.overlay.network.getIntroductionsFrom(tail);
    for (const address of introduced) {
      const peer = this.overlay.network.getVerifiedByAddress(address);
      if (peer !== undefined && !inEdge.has(peer.id)) {
        edge.peers.push(peer);
        edge.grownAt = now;
        this.stats.grown++;
        this.stats.longestEdge = Math.max(this.stats.longestEdge, edge.peers.length);
        return;
      }
    }
    const unvisited = introduced.filter((a) => this.overlay.network.getVerifiedByAddress(a) === undefined);
    if (unvisited.length > 0) {
      this.overlay.walkTo(unvisited[Math.floor(Math.random() * unvisited.length)]!);
    } else {
      this.overlay.sendIntroductionRequest(tail);
    }
  }
}
