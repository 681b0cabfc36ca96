import type { Command } from 'commander';
import { registerConfigCommand } from './config.js';
import { registerDirectoryCommands } from './directory.js';
import { registerDiscoveryCommands } from './discovery.js';
import { registerNodeCommand } from './node.js';
import { registerOrderbookCommands } from './orderbook.js';
import { registerOverlayCommands } from './overlay.js';
import { registerStatusCommands } from './status.js';

/** Adds one command (or command group) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every command group, in help order. Protocol modules add theirs here. */
export const commands: readonly RegisterCommand[] = [
  registerNodeCommand,
  registerConfigCommand,
  registerDirectoryCommands,
  registerDiscoveryCommands,
  registerOverlayCommands,
  registerOrderbookCommands,
  registerStatusCommands,
];

/** Registers every command group on `program`. */
export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
