/** The spec's text that reaches XAPI byte-exact must be printable (sdk/base/printable.ts). */
import { assertPrintable } from "../../base/printable";
import type { XcpngLuaVmSpec } from "./types";

/**
 * Refuses a spec whose name, template, SR, description, tags, network names or disk names hold a
 * control character; called before anything is sent.
 * @throws RangeError naming the field
 */
export function assertPrintableSpec(spec: XcpngLuaVmSpec): void {
  const texts: Array<[string, string | undefined]> = [
    ["name", spec.name],
    ["template", spec.template],
    ["sr", spec.sr],
    ["description", spec.description],
    ...spec.tags.map((tag, i): [string, string] => [`tags[${i}]`, tag]),
    ...spec.networks.map((nic, i): [string, string] => [`networks[${i}].network`, nic.network]),
    ...(spec.disks ?? []).flatMap((disk, i): Array<[string, string | undefined]> => [[`disks[${i}].sr`, disk.sr], [`disks[${i}].name`, disk.name]]),
  ];
  for (const [field, text] of texts) if (typeof text === "string") assertPrintable(text, field);
}
