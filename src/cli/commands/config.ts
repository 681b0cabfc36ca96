import type { Command } from 'commander';
import { configJsonSchema, ENV_CONFIG_FILE, loadConfig } from '../../node/index.js';
import { addCommonOptions } from '../common-options.js';
import { renderConfigDocs } from '../config-docs.js';
import { defaultDataDir } from '../data-dir.js';
import { collect } from '../parse-flags.js';
import { flagLayer } from '../serve-options.js';

interface ConfigFlags {
  config?: string;
  set?: string[];
  schema?: boolean;
  docs?: boolean;
  dataDir?: string;
}

/**
 * `peerway config`: prints the node configuration that the defaults, the config file, PEERWAY_*
 * variables and `--set` give (what `peerway node` would run with), or with `--schema` the JSON
 * Schema every config is checked against.
 */
export function registerConfigCommand(program: Command): void {
  const command = program
    .command('config')
    .description("print the node's effective configuration, or its JSON Schema")
    .option('-c, --config <file>', `JSON config file (or ${ENV_CONFIG_FILE})`)
    .option('--set <path=value>', 'set any config field (repeatable)', collect)
    .option('--schema', 'print the JSON Schema of the config file')
    .option('--docs', 'print the configuration reference (docs/config.md) as Markdown');
  addCommonOptions(command, { dataDirHelp: 'data directory to show in the config', noDefaults: true }).action(
    (flags: ConfigFlags) => {
      if (flags.schema === true) {
        process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
        return;
      }
      if (flags.docs === true) {
        process.stdout.write(renderConfigDocs());
        return;
      }
      const config = loadConfig({
        defaults: [flagLayer('default data directory', { dataDir: defaultDataDir() })],
        file: flags.config,
        env: process.env,
        layers: flags.dataDir === undefined ? [] : [flagLayer('--data-dir', { dataDir: flags.dataDir })],
        set: flags.set ?? [],
      });
      process.stdout.write(JSON.stringify(config, null, 2) + '\n');
    },
  );
}
