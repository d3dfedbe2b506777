/**
 * A VLAN network's coverage of the pool: which hosts lack their VLAN PIF (one removed outside,
 * or a host the VLAN was never made on), and putting it back there with `VLAN.create`.
 */
import type { RecipeClient } from "./client";
import { isRealRef } from "./client";
import { withContext } from "./errors";
import { int, list, str, type XapiRecord } from "./records";

/** A host where the VLAN is missing: its name and its PIF that the VLAN would tag. */
export interface VlanGap {
  host: string;
  hostName: string;
  taggedPif: string;
}

/** What {@link vlanGaps} found: the tag and the hosts without a VLAN PIF on the network. */
export interface VlanCoverage {
  tag: number;
  gaps: VlanGap[];
}

/**
 * The hosts that have a PIF on the VLAN's physical network but no VLAN PIF on `network`; undefined
 * when the network has no VLAN PIF left (nothing says which physical network it tagged).
 */
export async function vlanGaps(client: RecipeClient, network: string): Promise<VlanCoverage | undefined> {
  const step = "read VLAN coverage";
  const read = (cls: string, ref: string) => withContext({ step: `${step}: ${cls}.get_record`, object: ref }, () => client.call(`${cls}.get_record`, ref)) as Promise<XapiRecord>;
  const vlanPifs = (await Promise.all(list(await read("network", network), "PIFs").map((p) => read("PIF", p)))).filter((p) => int(p, "VLAN") >= 0);
  const sample = vlanPifs.find((p) => isRealRef(p.VLAN_master_of));
  if (!sample) return undefined;
  const tag = int(sample, "VLAN");
  const physicalNetwork = str(await read("PIF", str(await read("VLAN", str(sample, "VLAN_master_of")), "tagged_PIF")), "network");
  const covered = new Set(vlanPifs.map((p) => str(p, "host")));
  const gaps: VlanGap[] = [];
  for (const pif of list(await read("network", physicalNetwork), "PIFs")) {
    const host = str(await read("PIF", pif), "host");
    if (!covered.has(host)) gaps.push({ host, hostName: str(await read("host", host), "name_label"), taggedPif: pif });
  }
  return { tag, gaps };
}

/** Makes the VLAN again on each host of `gaps` (`VLAN.create` on that host's PIF). */
export async function restoreVlan(client: RecipeClient, network: string, coverage: VlanCoverage): Promise<void> {
  for (const gap of coverage.gaps) {
    await withContext({ step: "restore VLAN: VLAN.create", object: `host ${gap.hostName} tag ${coverage.tag}`, hint: "the VLAN PIF of this host was removed outside; check the host's PIFs" }, () =>
      client.call("VLAN.create", gap.taggedPif, coverage.tag, network),
    );
  }
}
