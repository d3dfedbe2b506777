/**
 * VmNetwork `diff` (olds = the old OUTPUTS, news = checked inputs). Replace: `vlan` (a VLAN cannot
 * be re-tagged; hosts missing their VLAN PIF, `vlan.missingOn` after a refresh, are an in-place
 * update), `mtu` (XAPI applies a network's MTU to new VIFs only, so an existing network
 * cannot really change it), and `connection.url` (another pool). In place: `name`,
 * `description`, `attach` (compared order-insensitively), `timeouts`, the other connection
 * fields. `__owner` is ignored (outputs keep the identity the objects were created with).
 */
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys, isUnknown, reveal, sameValue, stableJson } from "../../runtime/inputs";
import { importedChanges } from "./import";
import { VM_NETWORK_DEFAULTS } from "./inputs";

const REPLACE_KEYS = ["mtu", "vlan"] as const;
const UPDATE_KEYS = ["name", "description", "timeouts"] as const;

/** Order-insensitive, case-insensitive form of an `attach` list for comparison. */
export function attachKey(value: unknown): string {
  const list = reveal<unknown>(value ?? []);
  if (!Array.isArray(list)) return stableJson(list);
  return stableJson(
    list
      .map((entry) => {
        const e = (entry ?? {}) as Record<string, unknown>;
        return stableJson({ vmUuid: typeof e.vmUuid === "string" ? e.vmUuid.toLowerCase() : e.vmUuid, expectedCidr: e.expectedCidr });
      })
      .sort(),
  );
}

/** The provider's diff. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const { missingOn, ...oldVlan } = reveal<{ missingOn?: string[] } | undefined>(olds.vlan as { missingOn?: string[] } | undefined) ?? {};
  const before = { ...olds, description: olds.description ?? "", mtu: olds.mtu ?? VM_NETWORK_DEFAULTS.mtu, vlan: olds.vlan === undefined ? undefined : oldVlan };
  const after = { ...news, description: news.description ?? "", mtu: news.mtu ?? VM_NETWORK_DEFAULTS.mtu };
  const replaces: string[] = changedKeys(before, after, REPLACE_KEYS);
  const oldUrl = reveal<Record<string, unknown> | undefined>(olds.connection)?.url;
  const newConnection = reveal<Record<string, unknown> | undefined>(news.connection);
  if (isUnknown(newConnection) && typeof newConnection !== "object") replaces.push("connection");
  else if (isUnknown(newConnection?.url) || !sameValue(oldUrl, newConnection?.url)) replaces.push("connection");
  const updates = changedKeys(before, after, UPDATE_KEYS);
  // A host whose VLAN PIF vanished (refresh) gets it back in place; the VLAN itself is unchanged.
  if ((missingOn?.length ?? 0) > 0 && !replaces.includes("vlan")) updates.push("vlan");
  if (isUnknown(news.attach) || attachKey(olds.attach) !== attachKey(news.attach)) updates.push("attach");
  if (!replaces.includes("connection") && !sameValue(olds.connection, news.connection)) updates.push("connection");
  const replacing = importedChanges(olds, replaces);
  const changes = replacing.length > 0 || importedChanges(olds, updates).length > 0;
  return {
    changes,
    replaces: replacing,
    // The same tag on the same PIF cannot exist twice: the old VLAN must go before the new one.
    deleteBeforeReplace: replacing.length > 0 && sameVlanSlot(olds.vlan, news.vlan),
  };
}

/** True when both describe the same (pifDevice, tag) or the new one is not known yet. */
function sameVlanSlot(oldVlan: unknown, newVlan: unknown): boolean {
  if (oldVlan === undefined || newVlan === undefined) return false;
  if (isUnknown(newVlan)) return true;
  const a = reveal<Record<string, unknown>>(oldVlan);
  const b = reveal<Record<string, unknown>>(newVlan);
  return a.pifDevice === b.pifDevice && a.tag === b.tag;
}
