// testnet(n): n real overlay peers on 127.0.0.1 (or another host, e.g. ::1), all seeded with the first peer's address.
import { randomBytes } from 'node:crypto';
import {
  AddressBootstrapper,
  Community,
  Endpoint,
  PrivateKey,
  type AddressBook,
  type CommunityInit,
  type UdpAddress,
} from '../../src/overlay/index.js';

export interface TestnetNode {
  endpoint: Endpoint;
  community: Community;
  key: PrivateKey;
}

export interface TestnetOptions {
  communityId?: Uint8Array;
  /** Extra community options for every node except the seed. */
  community?: Partial<CommunityInit>;
  /** Address book per node index. */
  addressBook?: (i: number) => AddressBook | undefined;
  /** Address every node binds. @default '127.0.0.1' */
  host?: string;
  /** Build every node first and start them together with {@link Testnet.startAll} (for timing). */
  deferStart?: boolean;
}

export class Testnet {
  readonly nodes: TestnetNode[] = [];
  readonly communityId: Uint8Array;
  private readonly options: TestnetOptions;
  seedAddress: UdpAddress | undefined;

  constructor(options: TestnetOptions = {}) {
    this.options = options;
    this.communityId = options.communityId ?? randomBytes(20);
  }

  /** Starts one more peer (the first one is the seed and has no bootstrapper). */
  async add(key = PrivateKey.generate(), port = 0): Promise<TestnetNode> {
    const index = this.nodes.length;
    const endpoint = new Endpoint({ host: this.options.host ?? '127.0.0.1', port });
    await endpoint.start();
    const seed = this.seedAddress;
    const community = new Community({
      communityId: this.communityId,
      endpoint,
      key,
      ...(seed === undefined
        ? {}
        : { bootstrappers: [new AddressBootstrapper({ addresses: [seed], bootstrapTimeoutMs: 1000 })] }),
      ...(this.options.addressBook?.(index) === undefined
        ? {}
        : { addressBook: this.options.addressBook(index)! }),
      ...this.options.community,
    });
    if (this.options.deferStart !== true) await community.start();
    this.seedAddress ??= endpoint.address;
    const node = { endpoint, community, key };
    this.nodes.push(node);
    return node;
  }

  /** Starts every node built with `deferStart` (starting is idempotent). */
  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.community.start()));
  }

  /** Stops one peer (its community and socket). */
  async remove(node: TestnetNode): Promise<void> {
    await node.community.unload();
    await node.endpoint.stop();
    this.nodes.splice(this.nodes.indexOf(node), 1);
  }

  /** Polls `predicate` every 50 ms; resolves with the elapsed ms, or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs: number): Promise<number> {
    const start = Date.now();
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) throw new Error(`testnet: condition not met in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return Date.now() - start;
  }

  /** Smallest verified-peer count over all nodes. */
  minPeers(): number {
    return Math.min(...this.nodes.map((n) => n.community.getPeers().length));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        await n.community.unload();
        await n.endpoint.stop();
      }),
    );
    this.nodes.length = 0;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Starts `n` peers, the first being the seed every other one bootstraps from. */
export async function testnet(n: number, options: TestnetOptions = {}): Promise<Testnet> {
  const net = new Testnet(options);
  for (let i = 0; i < n; i++) await net.add();
  return net;
}
