import type { Command } from 'commander';
import {
  AddressBootstrapper,
  Community,
  EdgeWalk,
  Endpoint,
  parseUdpAddress,
  PrivateKey,
  RandomWalk,
  type WalkerDefinition,
} from '../../overlay/index.js';

interface JoinFlags {
  community: string;
  bootstrap: string[];
  listen: string;
  maxPeers: string;
  walk: string;
  key?: string;
  duration?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `peerway overlay join`: join one IPv8 community and print peers as they are found. */
export function registerOverlayCommands(program: Command): void {
  const overlay = program.command('overlay').description('IPv8-compatible overlay communities over UDP');
  overlay
    .command('join')
    .description('join a community through bootstrap addresses and print each peer as it is found')
    .requiredOption('--community <hex>', 'community id: 40 hex digits')
    .option('--bootstrap <host:port>', 'bootstrap address (repeatable)', collect, [])
    .option('--listen <host:port>', 'UDP address to bind', '0.0.0.0:0')
    .option('--max-peers <n>', 'answer requesters up to this many peers (-1: no limit)', '30')
    .option('--walk <strategy>', 'random or edge', 'random')
    .option('--key <hex>', 'LibNaCLSK key bin in hex (default: a fresh key)')
    .option('--duration <seconds>', 'leave after this many seconds (default: until Ctrl-C)')
    .action((flags: JoinFlags) => join(flags));
}

async function join(flags: JoinFlags): Promise<void> {
  if (!/^[0-9a-fA-F]{40}$/.test(flags.community)) throw new Error('--community must be 40 hex digits');
  const maxPeers = Number(flags.maxPeers);
  if (!Number.isInteger(maxPeers) || maxPeers < -1) throw new Error('--max-peers must be an integer >= -1');
  if (flags.walk !== 'random' && flags.walk !== 'edge') throw new Error('--walk must be random or edge');
  const listen = parseUdpAddress(flags.listen);
  const key =
    flags.key === undefined ? PrivateKey.generate() : PrivateKey.fromBin(Buffer.from(flags.key, 'hex'));
  const endpoint = new Endpoint({ host: listen.host, port: listen.port });
  await endpoint.start();
  const walker: WalkerDefinition = {
    strategy: flags.walk === 'edge' ? (c) => new EdgeWalk(c) : (c) => new RandomWalk(c),
    targetPeers: 20,
  };
  const addresses = flags.bootstrap.map(parseUdpAddress);
  const community = new Community({
    communityId: Buffer.from(flags.community, 'hex'),
    endpoint,
    key,
    maxPeers,
    walkers: [walker],
    bootstrappers: addresses.length > 0 ? [new AddressBootstrapper({ addresses })] : [],
  });
  const mid = community.myPeer.id;
  process.stdout.write(`listening on ${endpoint.address.host}:${endpoint.address.port} as ${mid}\n`);
  community.on('peer', (peer) => {
    process.stdout.write(
      `peer ${peer.id} ${peer.address.host}:${peer.address.port} (${community.getPeers().length} known)\n`,
    );
  });
  await community.start();
  // Resolves when the user interrupts or --duration passes; everything is closed by then.
  await new Promise<void>((resolve) => {
    const seconds = flags.duration === undefined ? undefined : Number(flags.duration);
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      clearTimeout(timer);
      void community
        .unload()
        .then(() => endpoint.stop())
        .then(resolve);
    };
    const timer = seconds === undefined ? undefined : setTimeout(onSignal, seconds * 1000);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
