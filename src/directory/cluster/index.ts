/**
 * directory/cluster: several directory processes acting as one directory over NATS. A
 * `NatsDirectoryCluster` is the `ClusterLink` a `DirectoryServer` takes as its `cluster` option;
 * the server stays the same single-process directory without one.
 *
 * ```
 *   client ── A (DirectoryServer + link) ──┐            ┌── B (DirectoryServer + link) ── client
 *                                          └── NATS ────┘
 *   presence:  KV bucket `<name>-directory`, key = nick, value = {instance, location, features}
 *              create = first claim wins; update at a revision = verified displacement
 *   privmsg:   <name>.dir.inst.<instance of the recipient>   (line unchanged, signature intact)
 *   pubmsg:    <name>.dir.pub                                (once, every instance fans out locally)
 *   liveness:  <name>.dir.hb every second; silent past 5 s = dead, its nicks deleted = departures
 * ```
 *
 * It imports `../server/index.js` (the hook it implements) and `../wire/index.js`.
 *
 * @module
 */
export { NatsDirectoryCluster, type NatsClusterStats } from './nats-cluster.js';
export { type NatsClusterTls, type NatsDirectoryClusterInit } from './nats-options.js';
