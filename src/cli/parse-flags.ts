/**
 * Parsers for flag values, shared by the commands. Each throws commander's InvalidArgumentError
 * with a short reason; main.ts turns it into one line naming the flag, the value and the reason.
 *
 * Conventions every command follows: durations are seconds (fractions allowed) and parsed to
 * milliseconds here; addresses are `host:port` (`[v6]:port` for IPv6); counts are integers.
 *
 * @module
 */
import { InvalidArgumentError, Option } from 'commander';
import { parseAddress } from '../transport/index.js';

/** Collects a repeatable flag's values: `--seed a --seed b` gives `['a', 'b']`. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** A non-negative decimal integer (counts, ports). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a non-negative integer');
  }
  return n;
}

/** A decimal integer of at least 1 (how many at once, how many at most). */
export function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n < 1) throw new InvalidArgumentError('expected an integer of at least 1');
  return n;
}

/** An integer of at least -1, where -1 means no limit. */
export function limitOrUnlimited(value: string): number {
  if (value === '-1') return -1;
  return nonNegativeInt(value);
}

/** A TCP or UDP port number, 0 included (0 picks a free one). */
export function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65_535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

/** A non-negative number of seconds (fractions allowed), returned in milliseconds. */
export function secondsToMs(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number of seconds');
  }
  return Math.round(n * 1000);
}

/** A `host:port` address to dial, checked now and returned as written. */
export function hostPort(value: string): string {
  try {
    parseAddress(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : 'expected host:port');
  }
  return value;
}

/**
 * Splits a `host:port` address to listen on, where port 0 (any free port) is allowed; the host
 * and a non-zero port are checked as for dialling.
 */
export function parseListenAddress(value: string): { host: string; port: number } {
  const anyPort = /:0$/.test(value);
  const { host, port } = parseAddress(anyPort ? `${value.slice(0, -2)}:1` : value);
  return { host, port: anyPort ? 0 : port };
}

/** A `host:port` address to listen on (port 0 allowed), checked now and returned as written. */
export function listenAddress(value: string): string {
  try {
    parseListenAddress(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : 'expected host:port');
  }
  return value;
}

/** A parser accepting one of `choices` (and naming them when the value is not one). */
export function oneOf<const T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string): T => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
  };
}

/**
 * A duration flag: given in seconds, handed to the action in milliseconds, and shown in --help
 * with its default in seconds.
 */
export function secondsOption(flags: string, description: string, defaultSeconds?: number): Option {
  const option = new Option(flags, description).argParser(secondsToMs);
  if (defaultSeconds !== undefined) option.default(defaultSeconds * 1000, `${defaultSeconds}`);
  return option;
}
