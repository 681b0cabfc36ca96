/**
 * Parsers for flag values, shared by the commands. Each throws a plain message commander shows
 * beside the flag's name.
 *
 * @module
 */
import { InvalidArgumentError } from 'commander';

/** Collects a repeatable flag's values: `--seed a --seed b` gives `['a', 'b']`. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** A non-negative decimal integer (ports, counts, milliseconds). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`not a non-negative integer: ${value}`);
  }
  return n;
}

/** A TCP or UDP port number, 0 included (0 picks a free one). */
export function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65_535) throw new InvalidArgumentError(`not a port: ${value}`);
  return n;
}

/** A non-negative number of seconds, returned in milliseconds. */
export function secondsToMs(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`not a number of seconds: ${value}`);
  }
  return Math.round(n * 1000);
}
