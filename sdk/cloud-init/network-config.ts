/** The NoCloud `network-config` document (version 2, netplan-like): static addresses, gateway and DNS per NIC. */
import { isIP } from "node:net";
import { yaml } from "../base/lazy-modules";
import { CloudInitError } from "./errors";
import { checkHostname, checkList, checkObject } from "./validate";

/** One NIC of the guest. */
export interface NicNetworkConfig {
  /** The interface's id in the document and, with `mac`, the name it is given (default `eth<index>`). */
  device?: string;
  /** Match the NIC by MAC address (`aa:bb:cc:dd:ee:ff`) rather than by name. */
  mac?: string;
  /** Ask DHCP (IPv4) for an address. */
  dhcp?: boolean;
  /** Static addresses in CIDR form (`10.0.0.5/24`, `fd00::5/64`). */
  addresses?: string[];
  /** Default IPv4 gateway; needs an IPv4 address in `addresses`. */
  gateway?: string;
  /** Default IPv6 gateway; needs an IPv6 address in `addresses`. */
  gateway6?: string;
  /** DNS servers (IP addresses). */
  dns?: string[];
  /** DNS search domains. */
  searchDomains?: string[];
}

const DEVICE = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Renders `network-config` version 2 for the given NICs (at least one). */
export function renderNetworkConfig(nics: readonly NicNetworkConfig[]): string {
  const ethernets: Record<string, unknown> = {};
  checkList(nics, "networkConfig", (nic) => nic).forEach((nic, index) => {
    const [device, body] = ethernet(checkObject(nic, `networkConfig[${index}]`) as NicNetworkConfig, index);
    if (device in ethernets) throw new CloudInitError(`networkConfig[${index}].device`, `"${device}" is configured twice`);
    ethernets[device] = body;
  });
  return yaml().stringify({ version: 2, ethernets });
}

function ethernet(nic: NicNetworkConfig, index: number): [string, Record<string, unknown>] {
  const field = `networkConfig[${index}]`;
  const device = nic.device ?? `eth${index}`;
  if (typeof device !== "string" || !DEVICE.test(device)) throw new CloudInitError(`${field}.device`, `${JSON.stringify(device)} is not an interface name (1–15 of letters, digits, _ . -)`);
  const body: Record<string, unknown> = {};
  if (nic.mac !== undefined) {
    if (typeof nic.mac !== "string" || !MAC.test(nic.mac)) throw new CloudInitError(`${field}.mac`, `${JSON.stringify(nic.mac)} is not a MAC address (aa:bb:cc:dd:ee:ff)`);
    body.match = { macaddress: nic.mac.toLowerCase() };
    body["set-name"] = device;
  }
  if (nic.dhcp !== undefined && typeof nic.dhcp !== "boolean") throw new CloudInitError(`${field}.dhcp`, "must be true or false");
  const addresses = nic.addresses === undefined ? [] : checkList(nic.addresses, `${field}.addresses`, checkCidr);
  if (!nic.dhcp && addresses.length === 0) throw new CloudInitError(field, "needs static addresses or dhcp: true");
  if (nic.dhcp) body.dhcp4 = true;
  if (addresses.length > 0) body.addresses = addresses;
  // gateway4/gateway6 rather than routes: cloud-init 22.4 renders a `to: ::/0` route as ::/64.
  if (nic.gateway !== undefined) body.gateway4 = checkGateway(nic.gateway, 4, addresses, `${field}.gateway`);
  if (nic.gateway6 !== undefined) body.gateway6 = checkGateway(nic.gateway6, 6, addresses, `${field}.gateway6`);
  const nameservers: Record<string, string[]> = {};
  if (nic.dns !== undefined) nameservers.addresses = checkList(nic.dns, `${field}.dns`, checkIp);
  if (nic.searchDomains !== undefined) nameservers.search = checkList(nic.searchDomains, `${field}.searchDomains`, (domain, at) => checkHostname(domain, at));
  if (Object.keys(nameservers).length > 0) body.nameservers = nameservers;
  return [device, body];
}

function checkIp(value: unknown, field: string): string {
  if (typeof value !== "string" || isIP(value) === 0) throw new CloudInitError(field, `${JSON.stringify(value)} is not an IP address`);
  return value;
}

function checkCidr(value: unknown, field: string): string {
  const [ip, prefix, extra] = typeof value === "string" ? value.split("/") : [];
  const family = ip ? isIP(ip) : 0;
  const bits = Number(prefix);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefix ?? "") || bits < 1 || bits > max) {
    throw new CloudInitError(field, `${JSON.stringify(value)} is not an address in CIDR form (10.0.0.5/24 or fd00::5/64)`);
  }
  return value as string;
}

function checkGateway(gateway: unknown, family: 4 | 6, addresses: string[], field: string): string {
  if (typeof gateway !== "string" || isIP(gateway) !== family) throw new CloudInitError(field, `${JSON.stringify(gateway)} is not an IPv${family} address`);
  if (!addresses.some((address) => isIP(address.split("/")[0]) === family)) {
    throw new CloudInitError(field, `needs a static IPv${family} address in addresses to reach the gateway from`);
  }
  return gateway;
}
