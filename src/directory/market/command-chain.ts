/**
 * Chained commands: JoinMarket puts several commands in one message, separated by `!`
 * (`sw0reloffer 0 …!sw0absoffer 1 …!tbond <proof>`, `cancel 0!cancel 1`). This file splits and
 * joins such message bodies and reads offers, cancels and a bond proof out of them.
 *
 * A message body is everything after `FROM!TO!` in a line (the directory layer's
 * `MessageLine.body`), so it has no leading `!`. The reference splits `"!" + body` after its
 * first character on `!`, which is the same as splitting the body itself.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { COMMAND_PREFIX } from '../wire/index.js';
import { MAX_COMMANDS_PER_MESSAGE, MAX_MESSAGE_LENGTH } from './constants.js';
import { formatOffer, isOfferType, parseOfferWords, type Offer } from './offer.js';

/** One command of a chain: its name and its space-separated arguments. */
export interface Command {
  /** The command word without `!`, for example `sw0reloffer` or `tbond`. */
  name: string;
  /** The words after the name. */
  args: string[];
}

/** What {@link parseOfferMessage} found in a message body. */
export interface OfferMessage {
  /** Valid offers, in message order. */
  offers: Offer[];
  /** Order ids from `!cancel` commands. */
  cancels: number[];
  /** The base64 proof of a `!tbond` command, still unverified; undefined when absent. */
  bondProof: string | undefined;
  /** True when the body asks for the orderbook exactly once (`!orderbook`). */
  orderbookRequest: boolean;
  /** Offer or cancel commands that failed validation, with the reason; the rest still counts. */
  rejected: Array<{ command: string; error: PeerwayError }>;
}

/**
 * Splits a body into commands (an empty name where two `!` meet; callers ignore it).
 *
 * @throws PeerwayError ERR_ORDERBOOK_MESSAGE_TOO_LONG past {@link MAX_MESSAGE_LENGTH} characters or
 *   {@link MAX_COMMANDS_PER_MESSAGE} commands.
 */
export function splitCommands(body: string): Command[] {
  return splitParts(body).map((part) => {
    const [name = '', ...args] = part.split(' ');
    return { name, args };
  });
}

/** The `!`-separated parts of a body, with the limits of {@link splitCommands}. */
function splitParts(body: string): string[] {
  if (body.length > MAX_MESSAGE_LENGTH) {
    throw new PeerwayError(ErrorCodes.ORDERBOOK_MESSAGE_TOO_LONG, 'message body is too long', {
      details: { length: body.length, max: MAX_MESSAGE_LENGTH },
    });
  }
  const parts = body.split(COMMAND_PREFIX);
  if (parts.length > MAX_COMMANDS_PER_MESSAGE) {
    throw new PeerwayError(ErrorCodes.ORDERBOOK_MESSAGE_TOO_LONG, 'too many chained commands', {
      details: { commands: parts.length, max: MAX_COMMANDS_PER_MESSAGE },
    });
  }
  return parts;
}

/** Joins commands into a body: `[{ name: 'cancel', args: ['0'] }, …]` gives `cancel 0!…`. */
export function joinCommands(commands: readonly Command[]): string {
  return commands.map((c) => [c.name, ...c.args].join(' ')).join(COMMAND_PREFIX);
}

/**
 * The body a maker sends: every offer chained, then `tbond <proof>` when it has a bond (only in a
 * privmsg to one taker, since the proof names the taker).
 *
 * @example
 * ```ts
 * formatOfferMessage([offer0, offer1], proof);
 * // 'sw0reloffer 0 27300 1000000 0 0.00002!sw0absoffer 1 …!tbond AAAA…'
 * ```
 */
export function formatOfferMessage(offers: readonly Offer[], bondProof?: string): string {
  const commands = offers.map(formatOffer);
  if (bondProof !== undefined) commands.push(`tbond ${bondProof}`);
  return commands.join(COMMAND_PREFIX);
}

/** The body withdrawing offers: `cancel 0!cancel 1`. */
export function formatCancelMessage(oids: readonly number[]): string {
  return oids.map((oid) => `cancel ${oid}`).join(COMMAND_PREFIX);
}

const OID = /^[0-9]{1,16}$/;

/**
 * Reads offers, cancels, a bond proof and an orderbook request out of a body. Bad offers are
 * reported in `rejected` and do not spoil the good ones; other commands are ignored. A body that
 * names `orderbook` more than once is not a request (the reference's guard against amplification).
 *
 * @throws PeerwayError ERR_ORDERBOOK_MESSAGE_TOO_LONG (see {@link splitCommands}).
 */
export function parseOfferMessage(body: string): OfferMessage {
  const result: OfferMessage = {
    offers: [],
    cancels: [],
    bondProof: undefined,
    orderbookRequest: false,
    rejected: [],
  };
  let orderbookCount = 0;
  // Words straight from each part (the name is the first): no Command objects on this hot path.
  for (const part of splitParts(body)) {
    const words = part.split(' ');
    const name = words[0]!;
    if (isOfferType(name)) {
      try {
        result.offers.push(parseOfferWords(words));
      } catch (err) {
        result.rejected.push({ command: name, error: err as PeerwayError });
      }
    } else if (name === 'cancel') {
      const oid = words[1];
      if (oid !== undefined && OID.test(oid)) result.cancels.push(Number(oid));
      else {
        const error = new PeerwayError(ErrorCodes.ORDERBOOK_OFFER_INVALID, 'bad cancel oid');
        result.rejected.push({ command: 'cancel', error });
      }
    } else if (name === 'tbond') {
      // The reference keeps the first word; anything after it is not part of the proof.
      if (words[1] !== undefined) result.bondProof = words[1];
    } else if (name === 'orderbook') {
      orderbookCount += 1;
    }
  }
  result.orderbookRequest = orderbookCount === 1;
  return result;
}

/** A body cut the way a privmsg carries it: the first command word, and the signed data after it. */
export interface PrivmsgParts {
  /** First command word without `!` (`sw0reloffer`, `fill`, `pubkey`). */
  command: string;
  /** Everything after the first space: the text the sender signs (with later commands chained in it). */
  data: string;
}

/**
 * Cuts a body into the command and data of a privmsg: `sw0reloffer 0 …!tbond X` gives
 * `{ command: 'sw0reloffer', data: '0 …!tbond X' }`. Inverse of {@link privmsgToBody}.
 */
export function bodyToPrivmsg(body: string): PrivmsgParts {
  const space = body.indexOf(' ');
  return space === -1
    ? { command: body, data: '' }
    : { command: body.slice(0, space), data: body.slice(space + 1) };
}

/** Rebuilds the body of a received privmsg from its command and data. */
export function privmsgToBody(command: string, data: string): string {
  const name = command.startsWith(COMMAND_PREFIX) ? command.slice(1) : command;
  return data === '' ? name : `${name} ${data}`;
}
