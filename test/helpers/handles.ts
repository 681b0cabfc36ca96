/**
 * Leak checks that other tests in the same file cannot disturb: live handles (sockets, servers,
 * child processes) are compared by identity, so one that an earlier test is still closing neither
 * hides a leak nor causes a false one; timers, which have no identity here, by count.
 */
import assert from 'node:assert/strict';

interface ProcessWithHandles {
  _getActiveHandles(): unknown[];
}

/** What is alive now. */
export interface HandleSnapshot {
  readonly handles: ReadonlySet<unknown>;
  readonly timers: number;
}

function liveHandles(): unknown[] {
  return (process as unknown as ProcessWithHandles)._getActiveHandles();
}

function timerCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Records the handles and timers alive now. */
export function snapshotHandles(): HandleSnapshot {
  return { handles: new Set(liveHandles()), timers: timerCount() };
}

/**
 * Waits (up to `within` ms) until every handle opened since `before` is closed and there are no
 * more timers than then; fails naming what is left.
 */
export async function assertReleased(before: HandleSnapshot, within = 3000): Promise<void> {
  const deadline = Date.now() + within;
  for (;;) {
    const fresh = liveHandles().filter((h) => !before.handles.has(h));
    const timers = timerCount();
    if (fresh.length === 0 && timers <= before.timers) return;
    if (Date.now() > deadline) {
      const names = fresh.map((h) => (h as object).constructor.name);
      assert.fail(
        `left open: ${names.join(', ') || 'no handles'}; timers ${timers} (before ${before.timers})`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
