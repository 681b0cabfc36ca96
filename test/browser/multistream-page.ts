/**
 * The page side of multistream-browser.test.ts, compiled on its own (not through the test's
 * loader) and served as /page.js: three negotiations over WebSockets, results returned as JSON.
 */

/** Where the test serves the compiled drop-in. */
const DROP_IN: string = '/src/multistream/libp2p.js';

type Listener = import('../../src/multistream/libp2p.js').Libp2pStreamListener;

/** What the page runs: three negotiations over WebSockets, results returned to the test. */
export async function run(wsUrl: string): Promise<Record<string, unknown>> {
  const m = (await import(DROP_IN)) as typeof import('../../src/multistream/libp2p.js');
  const out: Record<string, unknown> = {
    hasBuffer: typeof (globalThis as Record<string, unknown>)['Buffer'] !== 'undefined',
    hasProcess: typeof (globalThis as Record<string, unknown>)['process'] !== 'undefined',
  };
  const open = async (): Promise<WebSocket> => {
    const ws = new WebSocket(wsUrl);
    ws.binaryType = 'arraybuffer';
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('websocket failed'));
    });
    return ws;
  };
  /** A js-libp2p-shaped message stream over a WebSocket (buffers while nobody listens). */
  const messageStream = (ws: WebSocket) => {
    const listeners: Record<string, Array<Listener>> = {};
    let held: Uint8Array[] = [];
    const deliver = (data: Uint8Array): void => {
      const ls = listeners['message'] ?? [];
      if (ls.length === 0) held.push(data);
      else for (const fn of [...ls]) fn({ data });
    };
    const flush = (): void => {
      if ((listeners['message'] ?? []).length === 0 || held.length === 0) return;
      const list = held;
      held = [];
      queueMicrotask(() => list.forEach(deliver));
    };
    const stream = {
      status: 'open',
      addEventListener(type: string, fn: Listener) {
        (listeners[type] ??= []).push(fn);
        if (type === 'message') flush();
      },
      removeEventListener(type: string, fn: Listener) {
        const ls = listeners[type] ?? [];
        const at = ls.indexOf(fn);
        if (at >= 0) ls.splice(at, 1);
      },
      send(data: Uint8Array) {
        ws.send(data);
        return true;
      },
      unshift(data: Uint8Array) {
        held.unshift(data);
        flush();
      },
      abort() {
        stream.status = 'aborted';
        ws.close();
      },
    };
    ws.onmessage = (e: { data: unknown }) => deliver(new Uint8Array(e.data as ArrayBuffer));
    ws.onclose = () => {
      stream.status = 'closed';
      for (const fn of [...(listeners['close'] ?? [])]) fn({});
    };
    return stream;
  };

  // 1. The drop-in's select, past a refusal, then the protocol's bytes both ways.
  const ws1 = await open();
  const s1 = messageStream(ws1);
  out['protocol'] = await m.select(s1, ['/nope/1.0.0', '/echo/1.0.0'], {
    signal: AbortSignal.timeout(10_000),
  });
  out['echoed'] = await new Promise<string>((resolve) => {
    let text = '';
    s1.addEventListener('message', (evt) => {
      text += new TextDecoder().decode(evt.data as Uint8Array);
      if (text.length >= 'hello, browser'.length) resolve(text);
    });
    s1.send(new TextEncoder().encode('hello, browser'));
  });
  ws1.close();

  // 2. The communicator on an async iterable of the socket's messages.
  const ws2 = await open();
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  ws2.onmessage = (e: { data: unknown }) => {
    queue.push(new Uint8Array(e.data as ArrayBuffer));
    wake?.();
  };
  const source = (async function* () {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  })();
  const com = new m.MultiselectCommunicator({ source, write: (b) => ws2.send(b) });
  await com.write('/multistream/1.0.0');
  out['handshake'] = m.isValidHandshake(await com.read());
  await com.write('/nope/2.0.0');
  out['refusal'] = await com.read();
  await com.write('/echo/1.0.0');
  out['echo'] = await com.read();
  ws2.close();

  // 3. A refusal of everything: js-libp2p's error name and py-libp2p's client error.
  const ws3 = await open();
  try {
    await m.select(messageStream(ws3), ['/nope/3.0.0'], { signal: AbortSignal.timeout(10_000) });
    out['refused'] = 'not refused';
  } catch (err) {
    out['refused'] = (err as Error).name;
    out['kind'] = m.multiselectErrorKind(err);
  }
  ws3.close();
  return out;
}
