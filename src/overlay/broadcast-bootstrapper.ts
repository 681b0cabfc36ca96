import dgram from 'node:dgram';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import type { UdpAddress } from './address.js';
import type { Bootstrapper, BootstrapTarget } from './bootstrapper.js';
import { BOOTSTRAP_TIMEOUT_MS, PREFIX_LENGTH } from './constants.js';

/** Beacon header of py-ipv8's UDP broadcast bootstrapper: version `00 00`, "IPv8", `00`. */
export const BEACON_HEADER = Uint8Array.from([0x00, 0x00, 0x49, 0x50, 0x76, 0x38, 0x00]);

/** What a community offers the broadcast bootstrapper: walking, and packets that reach its socket. */
export interface BroadcastTarget extends BootstrapTarget {
  getPrefix(): Uint8Array;
  onPacket(data: Uint8Array, source: UdpAddress): void;
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

/** What a datagram on the broadcast socket is: a beacon for us, one of our packets, or neither. */
export function classifyBroadcast(data: Uint8Array, prefix: Uint8Array): 'beacon' | 'packet' | 'other' {
  const starts = (head: Uint8Array, at = 0): boolean =>
    data.length >= at + head.length && head.every((b, i) => data[at + i] === b);
  if (starts(BEACON_HEADER)) {
    return data.length === BEACON_HEADER.length + PREFIX_LENGTH && starts(prefix, BEACON_HEADER.length)
      ? 'beacon'
      : 'other';
  }
  return starts(prefix) ? 'packet' : 'other';
}

/**
 * py-ipv8's `UDPBroadcastBootstrapper`: a second socket with SO_BROADCAST sends the beacon
 * `00 00 "IPv8" 00` + prefix to every port of the broadcast address; a peer whose broadcast
 * socket hears its own prefix walks to the sender, and overlay packets arriving on that socket are
 * handed to the community. It leaves loopback by design, so it runs only when `optIn` is set, and
 * never in tests.
 */
export class UdpBroadcastBootstrapper implements Bootstrapper {
  private readonly init: UdpBroadcastBootstrapperInit;
  private socket: dgram.Socket | undefined;
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
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('error', () => {
      // Broadcast is best effort: "illegal" ports and missing routes are expected.
    });
    socket.on('message', (data, rinfo) => {
      const kind = classifyBroadcast(data, target.getPrefix());
      const from = { host: rinfo.address, port: rinfo.port };
      if (kind === 'beacon') target.walkTo(from);
      else if (kind === 'packet') target.onPacket(data, from);
    });
    socket.bind(0, () => {
      socket.setBroadcast(true);
      this.beacon(target);
    });
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
    if (socket === undefined) return;
    this.last = Date.now();
    const data = Buffer.concat([BEACON_HEADER, target.getPrefix()]);
    const host = this.init.broadcastAddress ?? '255.255.255.255';
    for (let port = 0; port < (this.init.portCount ?? 65_535); port++) {
      try {
        socket.send(data, port, host);
      } catch {
        // Port 0 and closed sockets throw synchronously; skip them like py-ipv8 does.
      }
    }
  }

  unload(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
