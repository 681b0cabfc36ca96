import { RATE_LIMIT_KEYS, VERIFY_BUDGET } from './constants.js';

/** Options for {@link VerifyBudget}. */
export interface VerifyBudgetInit {
  /** Signed packets verified per source and second (also the burst). @default 100 */
  packetsPerSecond?: number;
  /** Milliseconds of verification per source and second (also the burst). @default 20 */
  cpuMsPerSecond?: number;
  /** Sources remembered; the least recently seen beyond this are forgotten. @default 8192 */
  maxSources?: number;
  /** Clock in ms (fractional). @default performance.now */
  now?: () => number;
}

interface Account {
  packets: number;
  cpuMs: number;
  at: number;
}

/**
 * How much signature checking each source may cost us: a packet budget and a CPU-time budget per
 * second, both refilled continuously. A source over either budget has its signed packets dropped
 * before any key is imported or signature checked, so one sender with expensive keys cannot take
 * a core from everyone else.
 */
export class VerifyBudget {
  private readonly accounts = new Map<string, Account>();
  private readonly packetsPerSecond: number;
  private readonly cpuMsPerSecond: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(init: VerifyBudgetInit = {}) {
    this.packetsPerSecond = init.packetsPerSecond ?? VERIFY_BUDGET.packetsPerSecond;
    this.cpuMsPerSecond = init.cpuMsPerSecond ?? VERIFY_BUDGET.cpuMsPerSecond;
    this.maxSources = init.maxSources ?? RATE_LIMIT_KEYS;
    this.now = init.now ?? (() => performance.now());
  }

  /** The current clock, for timing a verification to {@link charge}. */
  clock(): number {
    return this.now();
  }

  /** Takes one packet from `source`'s budget; false when its packets or CPU time are used up. */
  allow(source: string): boolean {
    const now = this.now();
    let account = this.accounts.get(source);
    if (account === undefined) {
      if (this.accounts.size >= this.maxSources) this.accounts.delete(this.accounts.keys().next().value!);
      account = { packets: this.packetsPerSecond, cpuMs: this.cpuMsPerSecond, at: now };
    } else {
      this.accounts.delete(source);
      const seconds = (now - account.at) / 1000;
      account.packets = Math.min(this.packetsPerSecond, account.packets + seconds * this.packetsPerSecond);
      account.cpuMs = Math.min(this.cpuMsPerSecond, account.cpuMs + seconds * this.cpuMsPerSecond);
      account.at = now;
    }
    // Re-insert to keep the map in least-recently-seen order.
    this.accounts.set(source, account);
    if (account.packets < 1 || account.cpuMs <= 0) return false;
    account.packets -= 1;
    return true;
  }

  /** Charges `ms` of verification to `source` (its budget may go negative: it then waits longer). */
  charge(source: string, ms: number): void {
    const account = this.accounts.get(source);
    if (account !== undefined) account.cpuMs -= ms;
  }
}
