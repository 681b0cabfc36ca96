/**
 * directory/onion: publishing a local listener as a tor onion service (the `OnionPublisher`
 * interface and its tor control-port implementation), shared by the directory server and the
 * market's maker. It imports only `../wire/index.js` (and transport).
 *
 * @module
 */
export { type OnionPublisher, type PublishedOnion } from './onion-publisher.js';
export { createTorOnionPublisher, type TorOnionPublisherInit } from './tor-onion-publisher.js';
