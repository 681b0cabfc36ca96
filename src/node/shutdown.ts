import type { Logger } from '../core/index.js';

/** Something with an idempotent stop(). */
export interface Stoppable {
  stop(): Promise<void>;
}

/** Options for {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  /** Signals that trigger a clean stop. @default ['SIGINT', 'SIGTERM'] */
  signals?: readonly NodeJS.Signals[];
  /** Where the shutdown is reported. @default no logging */
  logger?: Logger;
  /** Called once the target has stopped (the CLI sets the exit code here). @default none */
  onStopped?: (err?: unknown) => void;
}

/**
 * Stops `target` on the first SIGINT/SIGTERM. A second signal while stopping exits at once with
 * code 1 (an operator pressing Ctrl-C twice means it). Returns a function that removes the
 * handlers.
 *
 * @example
 * ```ts
 * await node.start();
 * stopOnSignals(node, { onStopped: () => { process.exitCode = 0; } });
 * ```
 */
export function stopOnSignals(target: Stoppable, options: StopOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let stopping = false;
  const remove = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (stopping) {
      options.logger?.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    options.logger?.info({ signal }, 'stopping');
    target.stop().then(
      () => {
        remove();
        options.onStopped?.();
      },
      (err: unknown) => {
        remove();
        options.onStopped?.(err);
      },
    );
  }
  for (const signal of signals) process.on(signal, onSignal);
  return remove;
}
