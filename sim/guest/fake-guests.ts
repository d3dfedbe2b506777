/**
 * A guest layer without processes: guests "boot" at once and report loopback addresses; with
 * `forwardTo` each address forwards SSH to one shared sshd, so guests answer without a process each.
 */
import { bareNics, forwardingNics, type FakeNic } from "./fake-nics";
import type { ForwardTarget } from "./tcp-forwarder";
import type { GuestHost, GuestMetricsListener } from "./types";

/** How fake guests report. */
export interface FakeGuestOptions {
  /** Delay before the (final) report, ms (what a benchmark uses as the boot delay). Default 0. */
  reportDelayMs?: number;
  /**
   * Report link-local addresses first (`N/ip` = 169.254.x.y, `N/ipv6/0` = fe80::…), as a guest
   * racing DHCP does; the real address follows after `reportDelayMs`. Default false.
   */
  linkLocalFirst?: boolean;
  /**
   * An sshd every fake guest forwards to: each NIC's address gets an in-process listener on
   * `sshPort` that pipes every connection there (one shared sshd, no process per guest).
   * Default: none, nothing listens on the addresses.
   */
  forwardTo?: ForwardTarget;
  /** Port the forwarders listen on (with `forwardTo`). Default 2222. */
  sshPort?: number;
  /**
   * Two octets of 127.0.0.0/8 the addresses come from. Default "127.66". With `forwardTo` each
   * address is checked free on `sshPort` (as the sshd guests' are), so give each concurrent user its own base.
   */
  addressBase?: string;
}

interface FakeGuest {
  nics: Map<string, FakeNic>;
  hasGuestTools: boolean;
  timers: Set<NodeJS.Timeout>;
}

const DEFAULT_ADDRESS_BASE = "127.66";
const DEFAULT_SSH_PORT = 2222;

function networksOf(guest: FakeGuest, linkLocal: boolean): Record<string, string> {
  const networks: Record<string, string> = {};
  for (const [device, { address }] of guest.nics) {
    const shown = linkLocal ? address.replace(/^\d+\.\d+\./, "169.254.") : address;
    networks[`${device}/ip`] = shown;
    networks[`${device}/ipv4/0`] = shown;
    if (linkLocal) networks[`${device}/ipv6/0`] = `fe80::${device}:1`;
  }
  return networks;
}

/**
 * Creates a guest host without sshd processes: when the VM has guest tools its metrics (`N/ip`,
 * `N/ipv4/0` per NIC, addresses in `<addressBase>.0.0/16`) are reported after start; with
 * `forwardTo` those addresses answer SSH through the shared sshd until the guest stops.
 */
export function createFakeGuestHost(options: FakeGuestOptions = {}): GuestHost {
  const base = options.addressBase ?? DEFAULT_ADDRESS_BASE;
  const nicSource = options.forwardTo ? forwardingNics(base, options.sshPort ?? DEFAULT_SSH_PORT, options.forwardTo) : bareNics(base);
  const guests = new Map<string, FakeGuest>();
  const later = (guest: FakeGuest, ms: number, report: () => void) => {
    const timer = setTimeout(() => {
      guest.timers.delete(timer);
      report();
    }, ms);
    guest.timers.add(timer);
  };
  const report = (guest: FakeGuest, onMetrics: GuestMetricsListener) => {
    if (!guest.hasGuestTools) return;
    if (options.linkLocalFirst) later(guest, 0, () => onMetrics(networksOf(guest, true)));
    later(guest, options.reportDelayMs ?? 0, () => onMetrics(networksOf(guest, false)));
  };
  const forget = async (vmUuid: string) => {
    const guest = guests.get(vmUuid);
    if (!guest) return;
    guests.delete(vmUuid);
    guest.timers.forEach(clearTimeout);
    await Promise.all([...guest.nics.values()].map((nic) => nicSource.unplug(nic)));
  };
  /** Plugs VIF `device` into `guest`; a NIC that arrives after the guest was stopped meanwhile is unplugged again. */
  const plugInto = async (vmUuid: string, guest: FakeGuest, device: string) => {
    const nic = await nicSource.plug(vmUuid, device);
    if (guests.get(vmUuid) === guest) guest.nics.set(device, nic);
    else await nicSource.unplug(nic);
  };
  return {
    async start(spec, onMetrics) {
      await forget(spec.vmUuid);
      // Registered before the NICs are plugged, so a stop or dispose meanwhile also closes them.
      const guest: FakeGuest = { nics: new Map(), hasGuestTools: spec.hasGuestTools, timers: new Set() };
      guests.set(spec.vmUuid, guest);
      try {
        for (const nic of spec.nics) await plugInto(spec.vmUuid, guest, nic.device);
      } catch (error) {
        if (guests.get(spec.vmUuid) === guest) await forget(spec.vmUuid);
        throw error;
      }
      report(guest, onMetrics);
    },
    async plugNic(vmUuid, nic, onMetrics) {
      const guest = guests.get(vmUuid);
      if (!guest) return;
      await plugInto(vmUuid, guest, nic.device);
      if (guest.hasGuestTools) later(guest, 0, () => onMetrics(networksOf(guest, false)));
    },
    async unplugNic(vmUuid, device) {
      const nic = guests.get(vmUuid)?.nics.get(device);
      if (!nic) return;
      guests.get(vmUuid)!.nics.delete(device);
      await nicSource.unplug(nic);
    },
    stop: forget,
    destroy: forget,
    async dispose() {
      await Promise.all([...guests.keys()].map(forget));
    },
  };
}
