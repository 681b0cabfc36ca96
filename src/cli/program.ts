import { Command } from 'commander';
import { packageVersion } from '../node/index.js';
import { registerCommands } from './commands/index.js';

/**
 * The `peerway` program with every command group registered. Exported for tests and for
 * embedding (`createProgram().parseAsync(argv)`).
 */
export function createProgram(): Command {
  const program = new Command('peerway')
    .description(
      'Find peers, reach them and speak their protocols: multistream-select, JoinMarket directories, ElectrumX peer discovery and IPv8 overlays.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });
  registerCommands(program);
  return program;
}
