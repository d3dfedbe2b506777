/** A guest layer without processes: guests "boot" at once and report fake loopback addresses. */
import type { GuestHost, GuestMetricsListener, GuestNic } from "./guest/types";

interface FakeGuest {
  nics: Map<string, string>;
  hasGuestTools: boolean;
}

/**
 * Creates a guest host for XAPI-only tests: no sshd; when the VM has guest tools its metrics
 * (`N/ip`, `N/ipv4/0` per NIC, addresses in 127.66.0.0/16) are reported right after start.
 */
export function createFakeGuestHost(): GuestHost {
  const guests = new Map<string, FakeGuest>();
  let nextAddress = 1;
  const allocate = () => {
    const n = nextAddress++;
    return `127.66.${(n >> 8) & 255}.${n & 255}`;
  };
  const report = (guest: FakeGuest, onMetrics: GuestMetricsListener) => {
    if (!guest.hasGuestTools) return;
    const networks: Record<string, string> = {};
    for (const [device, address] of guest.nics) {
      networks[`${device}/ip`] = address;
      networks[`${device}/ipv4/0`] = address;
    }
    setImmediate(() => onMetrics(networks));
  };
  return {
    async start(spec, onMetrics) {
      const guest: FakeGuest = { nics: new Map(spec.nics.map((n: GuestNic) => [n.device, allocate()])), hasGuestTools: spec.hasGuestTools };
      guests.set(spec.vmUuid, guest);
      report(guest, onMetrics);
    },
    async plugNic(vmUuid, nic, onMetrics) {
      const guest = guests.get(vmUuid);
      if (!guest) return;
      guest.nics.set(nic.device, allocate());
      report(guest, onMetrics);
    },
    async unplugNic(vmUuid, device) {
      guests.get(vmUuid)?.nics.delete(device);
    },
    async stop(vmUuid) {
      guests.delete(vmUuid);
    },
    async destroy(vmUuid) {
      guests.delete(vmUuid);
    },
    async dispose() {
      guests.clear();
    },
  };
}
