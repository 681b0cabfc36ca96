/**
 * One way for a process to stop a long-lived part on SIGINT/SIGTERM: the daemon and every CLI
 * command that runs until interrupted use it.
 *
 * @module
 */
import type { Logger } from './logger.js';
import type { Startable } from './startable.js';

/** Something with an idempotent stop(): a {@link Startable}, or an operation to abort. */
export type Stoppable = Pick<Startable, 'stop'>;

/** Options for {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  /** Signals that trigger a clean stop. @default ['SIGINT', 'SIGTERM'] */
  signals?: readonly NodeJS.Signals[];
  /** Where the shutdown is reported. @default no logging */
  logger?: Logger;
  /** Called once the target has stopped after a signal (the CLI sets the exit code here). @default none */
  onStopped?: (err?: unknown) => void;
  /** Ends the process on a second signal. @default process.exit */
  exit?: (code: number) => void;
}

/**
 * Stops `target` on the first signal. A second signal while stopping exits at once with code 1
 * (an operator pressing Ctrl-C twice means it). Returns a function that removes the handlers;
 * they are also removed once the target has stopped.
 *
 * @example
 * ```ts
 * await node.start();
 * const remove = stopOnSignals(node, { onStopped: (err) => { process.exitCode = err ? 1 : 0; } });
 * ```
 */
export function stopOnSignals(target: Stoppable, options: StopOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const remove = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (stopping) {
      options.logger?.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
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
