/**
 * Options of the listener over a Node Duplex (the state machine is in listener-exchange.ts).
 *
 * @module
 */
import type { NegotiateOptions } from './negotiation.js';

/** Options for a listener negotiation. */
export interface ListenOptions extends NegotiateOptions {
  /**
   * Write our header at once instead of after the dialer's, as go does. Saves nothing on the
   * wire for a pipelining dialer, so it is off by default. @default false
   */
  eagerHeader?: boolean;
}
