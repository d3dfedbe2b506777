/**
 * `npm run test:acceptance -- --plan`: what a run would create on the pool, found with read-only
 * XAPI calls only (login, getters, logout) — the pool's versions, whether the template, network
 * and SR resolve, earlier runs' leftovers, and the objects each scenario makes.
 */
import type { XapiClient } from "../../sdk/xapi";
import { LIFECYCLE } from "./programs";
import { namePrefix } from "./run-identity";
import { findRunObjects } from "./sweep";
import type { AcceptanceTarget } from "./target";

/** Resolves `nameOrUuid` of `cls` by uuid, then by name label; a description or the problem. */
async function resolveNamed(client: XapiClient, cls: string, nameOrUuid: string): Promise<string> {
  const byUuid = await client.call(`${cls}.get_by_uuid`, nameOrUuid).catch(() => undefined);
  if (byUuid) return `${cls} ${nameOrUuid} found`;
  const byName = (await client.call(`${cls}.get_by_name_label`, nameOrUuid)) as string[];
  if (byName.length === 1) return `${cls} "${nameOrUuid}" found (${String(await client.call(`${cls}.get_uuid`, byName[0]!))})`;
  return byName.length === 0 ? `PROBLEM: no ${cls} named or with uuid "${nameOrUuid}"` : `PROBLEM: ${byName.length} ${cls}s are named "${nameOrUuid}"; give its uuid`;
}

/** The plan as lines of text. */
export async function planLines(client: XapiClient, target: AcceptanceTarget, runId: string): Promise<string[]> {
  const prefix = namePrefix(runId);
  const hosts = (await client.call("host.get_all_records")) as Record<string, { name_label: string; software_version: Record<string, string> }>;
  const earlier = await findRunObjects(client);
  return [
    `acceptance plan for run ${runId} on ${target.kind} ${new URL(target.xapi.url).origin}`,
    ...Object.values(hosts).map((h) => `  host ${h.name_label}: ${h.software_version.product_brand ?? "?"} ${h.software_version.product_version ?? "?"}, xapi ${h.software_version.xapi ?? "?"}`),
    `  ${await resolveNamed(client, "VM", target.template)} (template)`,
    `  ${await resolveNamed(client, "network", target.network)} (the VMs' SSH network)`,
    ...(target.sr ? [`  ${await resolveNamed(client, "SR", target.sr)} (disks)`] : ["  disks on the pool's default SR"]),
    earlier.length === 0
      ? "  no objects of earlier acceptance runs"
      : `  PROBLEM: ${earlier.length} object(s) of earlier runs (remove exactly those with --sweep): ${earlier.map((o) => `${o.cls} ${o.uuid} "${o.name}"`).join(", ")}`,
    "would create (each removed again by its scenario; a final sweep removes what a failure left):",
    `  whole-stack lifecycle: VMs ${LIFECYCLE.vms.map((v) => prefix + v).join(", ")}; private network ${prefix}${LIFECYCLE.network} with a VIF on each; alpha on ${prefix}${LIFECYCLE.vms[0]} and locally`,
    `  replace: VM ${prefix}swap (clone), then its replacement (copy)`,
    `  adoption: VM ${prefix}adopted made through the SDK, then adopted`,
    `  FASTA workload: VM ${prefix}fasta with bioxen-seq from ${target.rocksServer}`,
  ];
}
