/**
 * A raw line-level TCP client for tests: sends exact bytes, reads exact lines, and tells when the
 * other side closed.
 */
import net from 'node:net';
import { once } from 'node:events';

/** A raw connection to a directory. */
export class RawPeer {
  readonly lines: string[] = [];
  closed = false;
  private buffer = '';
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\n')) !== -1) {
        this.lines.push(this.buffer.slice(0, at + 1));
        this.buffer = this.buffer.slice(at + 1);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<RawPeer> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawPeer(socket);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete line (with its terminator); rejects after `ms` or on close. */
  async next(ms = 2000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.closed) throw new Error('closed before a line arrived');
      const left = end - Date.now();
      if (left <= 0) throw new Error('no line within timeout');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves true if the socket closes within `ms`. */
  async waitClosed(ms = 2000): Promise<boolean> {
    const end = Date.now() + ms;
    while (!this.closed && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  /** Asserts nothing arrives for `ms`; returns the unexpected lines. */
  async quiet(ms = 100): Promise<string[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.lines.splice(0);
  }

  close(): void {
    this.socket.destroy();
  }
}
