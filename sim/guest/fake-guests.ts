/** A guest layer without processes: guests "boot" at once and report fake loopback addresses. */
import type { GuestHost, GuestMetricsListener, GuestNic } from "./types";

/** How fake guests report. */
export interface FakeGuestOptions {
  /** Delay before the (final) report, ms. Default 0. */
  reportDelayMs?: number;
  /**
   * Report link-local addresses first (`N/ip` = 169.254.x.y, `N/ipv6/0` = fe80::…), as a guest
   * racing DHCP does; the real address follows after `reportDelayMs`. Default false.
   */
  linkLocalFirst?: boolean;
}

interface FakeGuest {
  nics: Map<string, string>;
  hasGuestTools: boolean;
  timers: Set<NodeJS.Timeout>;
}

function networksOf(guest: FakeGuest, linkLocal: boolean): Record<string, string> {
  const networks: Record<string, string> = {};
  for (const [device, address] of guest.nics) {
    const shown = linkLocal ? address.replace(/^127\.66\./, "169.254.") : address;
    networks[`${device}/ip`] = shown;
    networks[`${device}/ipv4/0`] = shown;
    if (linkLocal) networks[`${device}/ipv6/0`] = `fe80::${device}:1`;
  }
  return networks;
}

/**
 * Creates a guest host for XAPI-only tests: no sshd; when the VM has guest tools its metrics
 * (`N/ip`, `N/ipv4/0` per NIC, addresses in 127.66.0.0/16) are reported after start.
 */
export function createFakeGuestHost(options: FakeGuestOptions = {}): GuestHost {
  const guests = new Map<string, FakeGuest>();
  let nextAddress = 1;
  const allocate = () => {
    const n = nextAddress++;
    return `127.66.${(n >> 8) & 255}.${n & 255}`;
  };
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
  const forget = (vmUuid: string) => {
    guests.get(vmUuid)?.timers.forEach(clearTimeout);
    guests.delete(vmUuid);
  };
  return {
    async start(spec, onMetrics) {
      forget(spec.vmUuid);
      const nics = new Map(spec.nics.map((n: GuestNic) => [n.device, allocate()]));
      const guest: FakeGuest = { nics, hasGuestTools: spec.hasGuestTools, timers: new Set() };
      guests.set(spec.vmUuid, guest);
      report(guest, onMetrics);
    },
    async plugNic(vmUuid, nic, onMetrics) {
      const guest = guests.get(vmUuid);
      if (!guest) return;
      guest.nics.set(nic.device, allocate());
      if (guest.hasGuestTools) later(guest, 0, () => onMetrics(networksOf(guest, false)));
    },
    async unplugNic(vmUuid, device) {
      guests.get(vmUuid)?.nics.delete(device);
    },
    async stop(vmUuid) {
      forget(vmUuid);
    },
    async destroy(vmUuid) {
      forget(vmUuid);
    },
    async dispose() {
      [...guests.keys()].forEach(forget);
    },
  };
}
