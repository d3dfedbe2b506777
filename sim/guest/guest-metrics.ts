/**
 * The VM_guest_metrics.networks map for a guest's NICs, as xe-guest-utilities reports it:
 * `N/ip` (legacy, first IPv4) and `N/ipv4/0` per VIF device N.
 */
export function networksMap(addressByDevice: ReadonlyMap<string, string>): Record<string, string> {
  const networks: Record<string, string> = {};
  const devices = [...addressByDevice.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  for (const device of devices) {
    const address = addressByDevice.get(device)!;
    networks[`${device}/ip`] = address;
    networks[`${device}/ipv4/0`] = address;
  }
  return networks;
}
