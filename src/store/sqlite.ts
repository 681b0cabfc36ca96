/**
 * The part of a SQLite connection the store hands out, as our own types: better-sqlite3 is the
 * engine, but its types live in `@types/better-sqlite3`, which a consumer of this package does not
 * install, so the published declarations must not name them. better-sqlite3's `Database` and
 * `Statement` have all of these members with these meanings.
 *
 * @module
 */

/** What a statement's `run` reports. */
export interface SqliteRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
  /** The rowid of the last inserted row. */
  lastInsertRowid: number | bigint;
}

/** A prepared statement taking `Params` and yielding rows of type `Row`. */
export interface SqliteStatement<Params extends unknown[] = unknown[], Row = unknown> {
  /** The SQL it was prepared from. */
  readonly source: string;
  run(...params: Params): SqliteRunResult;
  get(...params: Params): Row | undefined;
  all(...params: Params): Row[];
  iterate(...params: Params): IterableIterator<Row>;
  /** Rows become their first column's value (declare `Row` accordingly). */
  pluck(toggle?: boolean): this;
  /** Rows become arrays of column values (declare `Row` accordingly). */
  raw(toggle?: boolean): this;
}

/** A function wrapped in a transaction: call it plain (BEGIN) or through one of the modes. */
export interface SqliteTransaction<F extends (...args: never[]) => unknown> {
  (...args: Parameters<F>): ReturnType<F>;
  deferred(...args: Parameters<F>): ReturnType<F>;
  immediate(...args: Parameters<F>): ReturnType<F>;
  exclusive(...args: Parameters<F>): ReturnType<F>;
}

/** Options of {@link SqliteDatabase.pragma}. */
export interface SqlitePragmaOptions {
  /** Return the first column of the first row only. */
  simple?: boolean;
}

/** An open SQLite connection (better-sqlite3's `Database`, seen through our own types). */
export interface SqliteDatabase {
  /** The file path, or `:memory:`. */
  readonly name: string;
  /** False once closed. */
  readonly open: boolean;
  readonly readonly: boolean;
  readonly inTransaction: boolean;
  prepare<Params extends unknown[] = unknown[], Row = unknown>(source: string): SqliteStatement<Params, Row>;
  transaction<F extends (...args: never[]) => unknown>(fn: F): SqliteTransaction<F>;
  exec(source: string): void;
  pragma(source: string, options?: SqlitePragmaOptions): unknown;
  close(): void;
}
