import { ErrorCodes, PeerwayError } from '../core/index.js';
import { UdpEndpoint } from '../transport/index.js';
import type { UdpAddress } from './address.js';
import type { Bootstrapper, BootstrapTarget } from './bootstrapper.js';
import { BOOTSTRAP_TIMEOUT_MS, PREFIX_LENGTH } from './constants.js';

/** Beacon header of py-ipv8's UDP broadcast bootstrapper: version `00 00`, "IPv8", `00`. */
export const BEACON_HEADER = Uint8Array.from([0x00, 0x00, 0x49, 0x50, 0x76, 0x38, 0x00]);

/** py-ipv8 beacons the limited broadcast address. */
const DEFAULT_BROADCAST_ADDRESS = '255.255.255.255';
/** py-ipv8 beacons every port from 0 to 65534. */
const DEFAULT_PORT_COUNT = 65_535;

/**
 * What a community offers the broadcast bootstrapper: walking, its prefix, and the endpoint that
 * checks and routes overlay packets arriving on the broadcast socket.
 */
export interface BroadcastTarget extends BootstrapTarget {
  getPrefix(): Uint8Array;
  readonly endpoint: { dispatch(data: Uint8Array, from: UdpAddress): void };
}

/** Options for {@link UdpBroadcastBootstrapper}. */
export interface UdpBroadcastBootstrapperInit {
  /** Must be `true`: this sends one datagram to every port of the broadcast address. */
  optIn: true;
  /** Beacon at most once per this many ms. @default 30000 */
  bootstrapTimeoutMs?: number;
  /** Where beacons go. @default '255.255.255.255' */
  broadcastAddress?: string;
  /** Ports beaconed, as py-ipv8 does: every one from 0 to 65534. @default 65535 */
  portCount?: number;
}

/**
 * What a datagram on the broadcast socket is: our community's beacon, someone else's beacon, or
 * any other datagram (handed to the endpoint, which checks its prefix like any other packet).
 */
export function classifyBroadcast(
  data: Uint8Array,
  prefix: Uint8Array,
): 'beacon' | 'foreignBeacon' | 'datagram' {
  const starts = (head: Uint8Array, at = 0): boolean =>
    data.length >= at + head.length && head.every((b, i) => data[at + i] === b);
  if (!starts(BEACON_HEADER)) return 'datagram';
  return data.length === BEACON_HEADER.length + PREFIX_LENGTH && starts(prefix, BEACON_HEADER.length)
    ? 'beacon'
    : 'foreignBeacon';
}

/**
 * py-ipv8's `UDPBroadcastBootstrapper`: a second socket with SO_BROADCAST sends the beacon
 * `00 00 "IPv8" 00` + prefix to every port of the broadcast address; a peer whose broadcast
 * socket hears its own prefix walks to the sender, and overlay packets arriving on that socket are
 * handed to the community's endpoint. It leaves loopback by design, so it runs only when `optIn`
 * is set, and never in tests.
 */
export class UdpBroadcastBootstrapper implements Bootstrapper {
  private readonly init: UdpBroadcastBootstrapperInit;
  private socket: UdpEndpoint | undefined;
  private ready = false;
  private last = -Infinity;

  constructor(init: UdpBroadcastBootstrapperInit) {
    if ((init.optIn as boolean) !== true) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'the broadcast bootstrapper needs optIn: true');
    }
    this.init = init;
  }

  initialize(community: BootstrapTarget): void {
    if (this.socket !== undefined) return;
    const target = community as BroadcastTarget;
    const socket = new UdpEndpoint({ host: '0.0.0.0', port: 0, broadcast: true, reuseAddr: true });
    this.socket = socket;
    socket.on('message', (data, rinfo) => {
      const from = { host: rinfo.host, port: rinfo.port };
      const kind = classifyBroadcast(data, target.getPrefix());
      if (kind === 'beacon') target.walkTo(from);
      else if (kind === 'datagram') target.endpoint.dispatch(data, from);
    });
    socket.start().then(
      () => {
        this.ready = true;
        this.beacon(target);
      },
      // Broadcast is best effort: without a socket there is simply no LAN discovery.
      () => undefined,
    );
  }

  getAddresses(community: BootstrapTarget): UdpAddress[] {
    const now = Date.now();
    if (now - this.last >= (this.init.bootstrapTimeoutMs ?? BOOTSTRAP_TIMEOUT_MS))
      this.beacon(community as BroadcastTarget);
    return [];
  }

  keepAlive(community: BootstrapTarget): void {
    this.beacon(community as BroadcastTarget);
  }

  private beacon(target: BroadcastTarget): void {
    const socket = this.socket;
    if (socket === undefined || !this.ready) return;
    this.last = Date.now();
    const data = Buffer.concat([BEACON_HEADER, target.getPrefix()]);
    const host = this.init.broadcastAddress ?? DEFAULT_BROADCAST_ADDRESS;
    // Port 0 and unroutable ports fail; the transport counts those, like py-ipv8 skips them.
    for (let port = 0; port < (this.init.portCount ?? DEFAULT_PORT_COUNT); port++)
      socket.send(data, host, port);
  }

  unload(): void {
    void this.socket?.stop();
    this.socket = undefined;
    this.ready = false;
  }
}
