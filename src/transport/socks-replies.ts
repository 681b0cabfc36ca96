/**
 * Names of SOCKS5 reply codes: RFC 1928 section 6, plus the extended codes tor sends for onion
 * services when its SocksPort has `ExtendedErrors` (tor's socks-extensions, section 3).
 *
 * @module
 */

const MESSAGES: ReadonlyMap<number, string> = new Map([
  [0x01, 'general SOCKS server failure'],
  [0x02, 'connection not allowed by ruleset'],
  [0x03, 'network unreachable'],
  [0x04, 'host unreachable'],
  [0x05, 'connection refused'],
  [0x06, 'TTL expired'],
  [0x07, 'command not supported'],
  [0x08, 'address type not supported'],
  [0xf0, 'onion service descriptor not found'],
  [0xf1, 'onion service descriptor invalid'],
  [0xf2, 'onion service introduction failed'],
  [0xf3, 'onion service rendezvous failed'],
  [0xf4, 'onion service client authorization missing'],
  [0xf5, 'onion service client authorization wrong'],
  [0xf6, 'onion address invalid'],
  [0xf7, 'onion service introduction timed out'],
]);

/** A readable name for a SOCKS5 reply code. */
export function socksReplyMessage(reply: number): string {
  return MESSAGES.get(reply) ?? `reply code 0x${reply.toString(16).padStart(2, '0')}`;
}
