/**
 * The placement check the schema cannot express: a private network of the file (no `vlan`)
 * exists separately on each host, so its VMs can only reach each other when they all start on
 * one host. When any VM on such a network sets `affinityHost`, every VM on it must set the same.
 */
import { networkName } from "./check-references";
import type { Report } from "./report";
import type { EnvironmentSpec } from "./types";

/** Reports, at each VM's `affinityHost` (or its network entry), a private network whose VMs are placed apart. */
export function checkPlacement(spec: EnvironmentSpec, report: Report): void {
  for (const [network, definition] of Object.entries(spec.networks ?? {})) {
    if (definition.vlan) continue;
    const members = Object.entries(spec.vms ?? {}).flatMap(([key, vm]) => {
      const index = (vm.networks ?? []).findIndex((entry) => networkName(entry) === network);
      return index < 0 ? [] : [{ key, index, host: vm.affinityHost }];
    });
    const hosts = new Set(members.map((m) => m.host));
    if (hosts.size <= 1 || ![...hosts].some((h) => h !== undefined)) continue;
    const placed = members.map((m) => `${m.key} on ${m.host ?? "any host (no affinityHost)"}`).join(", ");
    for (const m of members) {
      report(
        m.host === undefined ? ["vms", m.key, "networks", m.index] : ["vms", m.key, "affinityHost"],
        `private network "${network}" joins VMs placed on different hosts (${placed}); a network without a VLAN exists separately on each host, so they could not reach each other — give them all the same affinityHost, or give the network a vlan`,
      );
    }
  }
}
