import { Command } from 'commander';
import { packageVersion } from '../node/index.js';
import { registerCommands } from './commands/index.js';

/** Makes every command throw its parse errors instead of exiting, so main.ts reports them. */
function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideEverywhere(sub);
}

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
    // Errors are printed once, as one line, by main.ts (errors.ts).
    .configureOutput({ outputError: () => undefined });
  registerCommands(program);
  exitOverrideEverywhere(program);
  return program;
}
