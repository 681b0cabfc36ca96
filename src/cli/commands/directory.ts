import type { Command } from 'commander';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DirectoryServer, type DirectoryServerInit } from '../../directory/index.js';
import { directoryConfigSchema, directoryServerOptions } from '../../node/directory-service.js';

interface ServeFlags {
  listen: string;
  onion?: boolean;
  network: string;
  motd?: string;
  dataDir?: string;
  torControl?: string;
  torPassword?: string;
  statsInterval: string;
  logLevel: string;
}

/**
 * `peerway directory serve`: runs one JoinMarket directory on its own, logging joins, leaves and
 * counters (JSON on stderr) until Ctrl-C.
 */
export function registerDirectoryCommands(program: Command): void {
  const directory = program.command('directory').description('JoinMarket directory nodes');
  directory
    .command('serve')
    .description('run a directory node alone; Ctrl-C stops it')
    .option('--listen <host:port>', 'local TCP address to listen on', '127.0.0.1:5222')
    .option('--onion', 'publish as an onion service (virtual port 5222) through the tor control port')
    .option('--network <name>', 'mainnet, testnet, signet or regtest', 'mainnet')
    .option('--motd <text>', 'message of the day')
    .option('--data-dir <path>', 'where the nick and onion keys are kept (default: a temp folder)')
    .option('--tor-control <host:port>', 'tor control port', '127.0.0.1:9051')
    .option('--tor-password <password>', 'tor control password (cookie authentication otherwise)')
    .option('--stats-interval <seconds>', 'log the counters this often (0: never)', '60')
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .action((flags: ServeFlags) => serve(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  const [controlHost, controlPort] = flags.torControl?.split(':') ?? [];
  const config = directoryConfigSchema.parse({
    enabled: true,
    listen: flags.listen,
    onion: flags.onion ?? false,
    network: flags.network,
    ...(flags.motd === undefined ? {} : { motd: flags.motd }),
    tor: {
      controlHost: controlHost ?? '127.0.0.1',
      controlPort: Number(controlPort ?? 9051),
      ...(flags.torPassword === undefined ? {} : { controlPassword: flags.torPassword }),
    },
  });
  const logger = pino({ level: flags.logLevel, base: { service: 'directory' } }, pino.destination(2));
  const dataDir = flags.dataDir ?? join(tmpdir(), 'peerway-directory');
  const init: DirectoryServerInit = { ...directoryServerOptions(config, dataDir), logger };
  const server = new DirectoryServer(init);
  server.on('join', (nick, location) => logger.info({ nick, location }, 'join'));
  server.on('leave', (nick) => logger.info({ nick }, 'leave'));
  server.on('reject', (reason, nick) => logger.info({ nick, reason }, 'handshake rejected'));
  await server.start();
  process.stdout.write(`directory ${server.nick} at ${server.location} (network ${config.network})\n`);
  const seconds = Number(flags.statsInterval);
  const timer =
    seconds > 0
      ? setInterval(() => logger.info({ stats: server.stats }, 'counters'), seconds * 1000)
      : undefined;
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      clearInterval(timer);
      void server.stop().then(() => {
        logger.info({ stats: server.stats }, 'stopped');
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
