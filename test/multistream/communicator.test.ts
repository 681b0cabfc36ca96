/**
 * py-libp2p's pieces: the communicator (one message per read/write on any byte channel, here a
 * real TCP socket), is_valid_handshake, and the mapping of failures onto py-libp2p's three
 * exception classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import {
  Multiselect,
  MultiselectCommunicator,
  handle,
  isValidHandshake,
  multiselectErrorKind,
  select,
  trySelect,
} from '../../src/multistream/index.js';
import { tcpPair } from './tcp-pair.js';

function communicator(socket: import('node:net').Socket, timeout?: number): MultiselectCommunicator {
  return new MultiselectCommunicator(
    { source: socket, write: (b) => socket.write(b) },
    timeout === undefined ? {} : { timeout },
  );
}

test('communicator: a dialer driven by hand against our listener, early bytes kept', async () => {
  await using pair = await tcpPair();
  const mss = new Multiselect({ handlers: { '/echo/1.0.0': (s) => void s.pipe(s) } });
  const listening = mss.handle(pair.listener);
  const com = communicator(pair.dialer);
  await com.write('/multistream/1.0.0');
  assert.equal(isValidHandshake(await com.read()), true);
  await com.write('/nope/1.0.0');
  assert.equal(await com.read(), 'na');
  await com.write('/echo/1.0.0');
  pair.dialer.write('hello');
  assert.equal(await com.read(), '/echo/1.0.0');
  assert.equal(await listening, '/echo/1.0.0');
  // What follows the echo is the protocol's: the echoed "hello", possibly in the same chunk.
  let text = Buffer.from(com.takeRemainder()).toString();
  while (text.length < 5) {
    const chunk = pair.dialer.read() as Buffer | null;
    if (chunk === null) await once(pair.dialer, 'readable');
    else text += chunk.toString();
  }
  assert.equal(text, 'hello');
  assert.equal(isValidHandshake('/multistream/2.0.0'), false);
  assert.equal(isValidHandshake('/multistream/1.0.0\n'), false);
});

test('communicator: end of stream, malformed input and the deadline are communicator errors', async () => {
  await using pair = await tcpPair();
  const com = communicator(pair.dialer, 300);
  await assert.rejects(com.read(), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.TIMEOUT), String(err));
    assert.equal(multiselectErrorKind(err), 'MultiselectCommunicatorError');
    return true;
  });
  // The read given up on keeps its chunk for the next read.
  pair.listener.write(Buffer.from('036e610a', 'hex'));
  assert.equal(await com.read(), 'na');
  pair.listener.write(Buffer.from('8300', 'hex'));
  await assert.rejects(com.read(), (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_NOT_MINIMAL));
  await using pair2 = await tcpPair();
  const com2 = communicator(pair2.dialer);
  pair2.listener.end();
  await assert.rejects(com2.read(), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_EOF), String(err));
    assert.equal(multiselectErrorKind(err), 'MultiselectCommunicatorError');
    return true;
  });
});

test('error kinds: a dialer failure is MultiselectClientError, a listener failure MultiselectError', async () => {
  await using pair = await tcpPair();
  const dialing = select(pair.dialer, '/a/1.0.0');
  const listening = handle(pair.listener, ['/b/1.0.0']);
  const dialerError = await dialing.catch((err: unknown) => err);
  assert.ok(isPeerwayError(dialerError, ErrorCodes.MULTISTREAM_NA), String(dialerError));
  assert.equal(multiselectErrorKind(dialerError), 'MultiselectClientError');
  const listenerError = await listening.catch((err: unknown) => err);
  assert.equal(multiselectErrorKind(listenerError), 'MultiselectError');
  assert.equal(multiselectErrorKind(new Error('x')), undefined);
  await using pair2 = await tcpPair();
  assert.equal(
    multiselectErrorKind(await trySelect(pair2.dialer, '').catch((e: unknown) => e)),
    undefined,
    'an invalid argument is no multistream error',
  );
});
