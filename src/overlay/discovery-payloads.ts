import { MessageIds } from './constants.js';
import { definePayload, type ValueOf } from './payload.js';

/**
 * 246, old style. Flags (MSB first): connection_type_0, connection_type_1, supports_new_style,
 * dflag1, dflag2, tunnel, sync, advice. py-ipv8 sends `01`.
 */
export const IntroductionRequestPayload = definePayload(
  'IntroductionRequest',
  [
    ['destination', 'ipv4'],
    ['sourceLan', 'ipv4'],
    ['sourceWan', 'ipv4'],
    ['flags', 'bits'],
    ['identifier', 'H'],
    ['extraBytes', 'raw'],
  ] as const,
  MessageIds.INTRODUCTION_REQUEST,
);

/**
 * 245, old style. Flags: connection_type_0, connection_type_1, unused, supports_new_style,
 * intro_supports_new_style, peer_limit_reached, unused, unused.
 */
export const IntroductionResponsePayload = definePayload(
  'IntroductionResponse',
  [
    ['destination', 'ipv4'],
    ['sourceLan', 'ipv4'],
    ['sourceWan', 'ipv4'],
    ['lanIntroduction', 'ipv4'],
    ['wanIntroduction', 'ipv4'],
    ['flags', 'bits'],
    ['identifier', 'H'],
    ['extraBytes', 'raw'],
  ] as const,
  MessageIds.INTRODUCTION_RESPONSE,
);

/** 250, unsigned: ask the receiver to puncture its NAT towards the walker. */
export const PunctureRequestPayload = definePayload(
  'PunctureRequest',
  [
    ['lanWalker', 'ipv4'],
    ['wanWalker', 'ipv4'],
    ['identifier', 'H'],
  ] as const,
  MessageIds.PUNCTURE_REQUEST,
);

/** 249, signed: the puncture itself. */
export const PuncturePayload = definePayload(
  'Puncture',
  [
    ['sourceLan', 'ipv4'],
    ['sourceWan', 'ipv4'],
    ['identifier', 'H'],
  ] as const,
  MessageIds.PUNCTURE,
);

/** 234: typed addresses; identifier before the flags (py-ipv8 sends the flags as `00`). */
export const NewIntroductionRequestPayload = definePayload(
  'NewIntroductionRequest',
  [
    ['destination', 'ip_address'],
    ['sourceLan', 'ip_address'],
    ['sourceWan', 'ip_address'],
    ['identifier', 'H'],
    ['flags', 'bits'],
    ['extraBytes', 'raw'],
  ] as const,
  MessageIds.NEW_INTRODUCTION_REQUEST,
);

/** 233: flags MSB = intro_supports_new_style, the rest unused. */
export const NewIntroductionResponsePayload = definePayload(
  'NewIntroductionResponse',
  [
    ['destination', 'ip_address'],
    ['sourceLan', 'ip_address'],
    ['sourceWan', 'ip_address'],
    ['lanIntroduction', 'ip_address'],
    ['wanIntroduction', 'ip_address'],
    ['identifier', 'H'],
    ['flags', 'bits'],
    ['extraBytes', 'raw'],
  ] as const,
  MessageIds.NEW_INTRODUCTION_RESPONSE,
);

/** 232, unsigned. */
export const NewPunctureRequestPayload = definePayload(
  'NewPunctureRequest',
  [
    ['lanWalker', 'ip_address'],
    ['wanWalker', 'ip_address'],
    ['identifier', 'H'],
  ] as const,
  MessageIds.NEW_PUNCTURE_REQUEST,
);

/** 231, signed. */
export const NewPuncturePayload = definePayload(
  'NewPuncture',
  [
    ['sourceLan', 'ip_address'],
    ['sourceWan', 'ip_address'],
    ['identifier', 'H'],
  ] as const,
  MessageIds.NEW_PUNCTURE,
);

/** Flag positions in the old-style request byte (index 0 = 0x80). */
export const RequestFlag = { supportsNewStyle: 2, advice: 7 } as const;
/** Flag positions in the old-style response byte. */
export const ResponseFlag = { supportsNewStyle: 3, introSupportsNewStyle: 4, peerLimitReached: 5 } as const;
/** Flag positions in the new-style response byte. */
export const NewResponseFlag = { introSupportsNewStyle: 0 } as const;

/** Decoded old-style introduction request. */
export type IntroductionRequest = ValueOf<typeof IntroductionRequestPayload>;
/** Decoded old-style introduction response. */
export type IntroductionResponse = ValueOf<typeof IntroductionResponsePayload>;
