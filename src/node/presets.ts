import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import type { ConfigLayer } from './config-load.js';
import type { ServiceDefinition } from './service.js';
import { serviceDefinitions } from './services.js';

/** The presets `peerway node --preset` knows; `local` is what runs when no config is given. */
export const PRESET_NAMES = ['local', 'mainnet', 'signet', 'testnet'] as const;

/** One of {@link PRESET_NAMES}. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** A real network's seeds as kept in `presets/<name>.json`, each list with where it comes from. */
export interface NetworkPreset {
  description: string;
  /** The Bitcoin network JoinMarket peers name in their handshakes. */
  network: string;
  /** Where each list comes from (project, file, commit). */
  sources: Record<string, string>;
  joinmarket: { network: string; proxy: string; directories: string[] };
  electrum: { genesisHash: string; servers: string[] };
  /** py-ipv8's bootstrap servers: `addresses` are used, `names` kept for reference. */
  ipv8: { addresses: string[]; names: string[]; community: string };
}

/** The folder of preset files: beside this module in `src/node/` or `dist/node/`. */
export function presetDirectory(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'presets');
}

function readPreset(name: string): Record<string, unknown> {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `unknown preset ${JSON.stringify(name)} (one of ${PRESET_NAMES.join(', ')})`,
    );
  }
  const path = join(presetDirectory(), `${name}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PeerwayError(ErrorCodes.NOT_FOUND, `cannot read preset ${name}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Reads a real network's preset data (`mainnet`, `signet`, `testnet`). */
export function readNetworkPreset(name: Exclude<PresetName, 'local'>): NetworkPreset {
  return readPreset(name) as unknown as NetworkPreset;
}

/**
 * A preset as a config layer under the config file (`--preset`): `local` runs every service on
 * loopback with the demo network; a real network turns on discovery with Electrum's servers for
 * it (Tor found automatically for onions), the overlay with py-ipv8's bootstrap servers, and,
 * when the node has an `orderbook` service, the taker's view of JoinMarket's directories through
 * Tor. A section for a service the node does not have is left out.
 */
export function presetLayer(
  name: PresetName,
  definitions: readonly ServiceDefinition[] = serviceDefinitions,
): ConfigLayer {
  const known = new Set(definitions.map((d) => d.name));
  if (name === 'local') {
    const config = readPreset('local').config as { services: Record<string, unknown> };
    const services = Object.fromEntries(Object.entries(config.services).filter(([s]) => known.has(s)));
    return { source: `--preset ${name}`, values: { ...config, services } };
  }
  const p = readNetworkPreset(name);
  const services: Record<string, unknown> = {
    discovery: {
      enabled: true,
      genesisHash: p.electrum.genesisHash,
      seeds: p.electrum.servers,
      proxy: 'auto',
    },
    overlay: {
      enabled: true,
      bootstrap: p.ipv8.addresses,
      communities: [{ id: p.ipv8.community }],
    },
    orderbook: {
      enabled: true,
      network: p.joinmarket.network,
      directories: p.joinmarket.directories,
      proxy: p.joinmarket.proxy,
    },
  };
  return {
    source: `--preset ${name}`,
    values: {
      demo: { enabled: false },
      services: Object.fromEntries(Object.entries(services).filter(([s]) => known.has(s))),
    },
  };
}
