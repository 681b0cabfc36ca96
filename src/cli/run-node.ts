/**
 * Runs a `PeerwayNode` for a command until a signal (or `--duration`) stops it: `peerway node`
 * with every configured service, and each `serve`-style command with its one service. One
 * shutdown path for all of them: core's `stopOnSignals`.
 *
 * @module
 */
import { deferred, ErrorCodes, PeerwayError, stopOnSignals, type Logger } from '../core/index.js';
import {
  loadConfig,
  PeerwayNode,
  serviceDefinitions,
  unknownEnvironmentVariables,
  type LoadConfigOptions,
  type ServiceDefinition,
} from '../node/index.js';
import { EXIT_GRACE_MS } from './constants.js';
import { prepareDataDir } from './data-dir.js';
import { createCliLogger } from './logging.js';

/** What {@link runNode} runs and what it prints. */
export interface RunNodeInit {
  /** Where the config comes from (the command's flags as layers, the environment). */
  config: LoadConfigOptions;
  /**
   * The service the command exists for: when it fails to start, the node is stopped and the
   * command fails with its reason. @default none (`peerway node` runs with failed services)
   */
  required?: string;
  /**
   * Called once the node is up: prints what it serves and may start watching it. The function
   * it returns, if any, is called when the node stops.
   */
  onStarted(node: PeerwayNode, logger: Logger): (() => void) | void;
  /** Stop by itself after this long. @default until a signal */
  durationMs?: number;
  /** Log every service's counters this often; 0 never. @default 0 */
  statsIntervalMs?: number;
}

/**
 * Starts the node, prints, and resolves once it has stopped (exit code 1 if the stop failed). A
 * start that fails (bad config, port taken, the required service failing) stops what was opened
 * and rejects.
 */
export async function runNode(init: RunNodeInit): Promise<void> {
  const config = loadConfig(init.config);
  // A data directory that cannot be made or written fails here, naming it, before anything starts.
  prepareDataDir(config.dataDir);
  const logger = createCliLogger({ level: config.log.level });
  warnUnknownVariables(init.config.env ?? {}, init.config.definitions ?? serviceDefinitions, logger);
  const node = new PeerwayNode({ config, logger });
  const stopped = deferred<unknown>();
  const removeHandlers = stopOnSignals(node, {
    logger,
    onStopped: (err) => {
      process.exitCode = 0;
      exitIfStuck(logger);
      stopped.resolve(err);
    },
  });
  try {
    await node.start();
    const failed = node.services().find((s) => s.name === init.required && s.state === 'failed');
    if (failed !== undefined) {
      throw new PeerwayError(ErrorCodes.SERVICE_START_FAILED, `${failed.name}: ${failed.error ?? 'failed'}`);
    }
  } catch (err) {
    removeHandlers();
    await node.stop();
    throw err;
  }
  const unwatch = init.onStarted(node, logger);
  const statsMs = init.statsIntervalMs ?? 0;
  const statsTimer =
    statsMs > 0 ? setInterval(() => logger.info({ stats: node.stats() }, 'counters'), statsMs) : undefined;
  const durationTimer =
    init.durationMs === undefined
      ? undefined
      : setTimeout(() => {
          removeHandlers();
          node.stop().then(
            () => stopped.resolve(undefined),
            (err: unknown) => stopped.resolve(err),
          );
        }, init.durationMs);
  const err = await stopped.promise;
  clearInterval(statsTimer);
  clearTimeout(durationTimer);
  unwatch?.();
  if (err !== undefined) {
    logger.error({ err: err instanceof Error ? err.message : 'unknown' }, 'stop failed');
    process.exitCode = 1;
  }
}

/**
 * A stopped node leaves nothing running, so the process ends by itself. Should something keep the
 * event loop alive anyway, say what and exit rather than hang a service manager's stop.
 */
function exitIfStuck(logger: Logger): void {
  setTimeout(() => {
    logger.warn({ resources: process.getActiveResourcesInfo() }, 'still busy after stop; exiting');
    process.exit();
  }, EXIT_GRACE_MS).unref();
}

/** Logs each PEERWAY_ variable that sets nothing, so a typo does not pass unseen. */
function warnUnknownVariables(
  env: Readonly<Record<string, string | undefined>>,
  definitions: readonly ServiceDefinition[],
  logger: Logger,
): void {
  for (const v of unknownEnvironmentVariables(env, definitions)) {
    logger.warn(
      v.suggestion === undefined ? { variable: v.name } : { variable: v.name, didYouMean: v.suggestion },
      v.suggestion === undefined
        ? `${v.name} is not a config variable and is ignored (peerway config --schema lists them)`
        : `${v.name} is not a config variable and is ignored; did you mean ${v.suggestion}?`,
    );
  }
}
