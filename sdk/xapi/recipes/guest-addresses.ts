/**
 * Choosing a usable address from `VM_guest_metrics.networks` (keys `N/ip`, `N/ipv4/I`,
 * `N/ipv6/I` per VIF device N). Link-local addresses (169.254/16, fe80::/10), which DHCP races
 * report first, are never usable. IPv4 is preferred (`N/ipv4/I` in order, then the legacy
 * `N/ip`); IPv6 is accepted only when the expected CIDR is an IPv6 one, so a SLAAC address that
 * appears before DHCP finishes is not mistaken for the VM's address.
 */
import { BlockList, isIP } from "node:net";
import { XapiRecipeError } from "./errors";

const linkLocal = new BlockList();
linkLocal.addSubnet("169.254.0.0", 16, "ipv4");
linkLocal.addSubnet("fe80::", 10, "ipv6");

/** A parsed CIDR such as "10.0.0.0/8" or "fd00::/64". */
export interface Cidr {
  text: string;
  family: "ipv4" | "ipv6";
  contains(address: string): boolean;
}

/** Parses "address/prefix"; throws a clear error for anything else. */
export function parseCidr(text: string): Cidr {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  const version = match ? isIP(match[1]!) : 0;
  const prefix = match ? Number(match[2]) : Number.NaN;
  if (!match || version === 0 || prefix > (version === 4 ? 32 : 128)) {
    throw new XapiRecipeError(
      { step: "read expected CIDR", hint: 'write it as "192.168.1.0/24" or "fd00::/64"' },
      `invalid CIDR ${JSON.stringify(text)}`,
    );
  }
  const family = version === 4 ? "ipv4" : "ipv6";
  const block = new BlockList();
  block.addSubnet(match[1]!, prefix, family);
  return { text, family, contains: (address) => isIP(address) === version && block.check(address, family) };
}

/** True for 169.254/16 and fe80::/10. */
export function isLinkLocal(address: string): boolean {
  const version = isIP(address);
  return version !== 0 && linkLocal.check(address, version === 4 ? "ipv4" : "ipv6");
}

/** The addresses reported for `device`, best first: N/ipv4/I by I, N/ip, then N/ipv6/I by I. */
export function reportedAddresses(networks: Record<string, string>, device: string): string[] {
  const indexed = (family: string) =>
    Object.entries(networks)
      .map(([key, value]) => ({ index: indexAfter(key, `${device}/${family}/`), value }))
      .filter((e) => e.index !== undefined)
      .sort((a, b) => a.index! - b.index!)
      .map((e) => e.value);
  const legacy = networks[`${device}/ip`];
  const ordered = [...indexed("ipv4"), ...(legacy ? [legacy] : []), ...indexed("ipv6")];
  return [...new Set(ordered.map((a) => a.trim()).filter((a) => a !== ""))];
}

/**
 * The usable address of `device`, or undefined if none is reported yet: not link-local,
 * inside `expected` when given, IPv4 unless `expected` is an IPv6 CIDR.
 */
export function pickGuestAddress(networks: Record<string, string>, device: string, expected?: Cidr): string | undefined {
  return reportedAddresses(networks, device).find((address) => {
    if (isIP(address) === 0 || isLinkLocal(address)) return false;
    if (expected) return expected.contains(address);
    return isIP(address) === 4;
  });
}

function indexAfter(key: string, prefix: string): number | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}
