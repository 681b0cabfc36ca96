/**
 * A bench's server in a process of its own, so that its RSS is the server's alone: fork a worker
 * script beside this file and ask it things over the IPC channel.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Forks `file` (a script in bench/) under tsx with `--expose-gc` and an IPC channel. */
export function forkWorker(file: string): ChildProcess {
  return fork(join(import.meta.dirname, file), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `command` to `worker` and resolves with the next message it sends back. */
export function ask<T>(worker: ChildProcess, command: unknown): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', (m) => resolve(m as T));
    worker.send(command as object);
  });
}
