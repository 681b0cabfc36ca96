/* eslint-disable @typescript-eslint/no-explicit-any -- replies are free-form JSON the tests inspect */
/** Shared pieces for discovery tests: a raw line client over a real socket, and a node factory. */
import net from 'node:net';
import { once } from 'node:events';
import { openStore } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { DiscoveryNode, type DiscoveryNodeInit } from '../../src/discovery/discovery-node.js';

/** Regtest genesis hash (display hex). */
export const REGTEST_GENESIS = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';

/** A raw TCP client that reads replies line by line. */
export class LineClient {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at;
      while ((at = this.buffer.indexOf('\n')) !== -1) {
        this.lines.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + 1);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<LineClient> {
    const socket = net.connect({ port, host, ...(localAddress === undefined ? {} : { localAddress }) });
    await once(socket, 'connect');
    return new LineClient(socket);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  send(message: unknown): void {
    this.socket.write(JSON.stringify(message) + '\n');
  }

  /** The next line parsed as JSON; rejects after `ms` or on close. */
  async next(ms = 2000): Promise<any> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.closed) throw new Error('closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no reply');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return JSON.parse(this.lines.shift()!);
  }

  async call(method: string, params: unknown = [], id: number | string = 1): Promise<any> {
    this.send({ jsonrpc: '2.0', method, params, id });
    return this.next();
  }

  /** Resolves true if the server closes the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Makes a node on an in-memory database; the caller starts and stops it. */
export function makeNode(init: Partial<DiscoveryNodeInit> = {}): DiscoveryNode {
  const store = createSqlitePeerStore(openStore(':memory:'));
  return new DiscoveryNode({ store, genesisHash: REGTEST_GENESIS, ...init });
}
