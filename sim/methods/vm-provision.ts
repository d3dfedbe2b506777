/** VM.provision: creates the disks a built-in template describes in `other_config.disks`. */
import { XMLParser } from "fast-xml-parser";
import type { Store } from "../model/store";
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { assertSpace, createVbd, createVdi } from "./disks";
import { vmOperation } from "./vm-operation";

/** One `<disk>` of the provision XML. */
interface ProvisionDisk {
  device: string;
  size: number;
  sr: string;
  bootable: boolean;
  type: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "disk" });

/** Parses `<provision><disk device="0" size="…" sr="…" bootable="true" type="system"/></provision>`. */
export function parseProvisionXml(xml: string): ProvisionDisk[] {
  let doc: { provision?: { disk?: Array<Record<string, string>> } };
  try {
    doc = parser.parse(xml);
  } catch (error) {
    throw new XapiFailure("INTERNAL_ERROR", [`other_config:disks is not valid XML: ${(error as Error).message}`]);
  }
  return (doc.provision?.disk ?? []).map((d) => {
    const size = Number(d.size);
    if (!d.device || !Number.isSafeInteger(size) || size < 0) throw new XapiFailure("INTERNAL_ERROR", [`other_config:disks has a bad disk: ${JSON.stringify(d)}`]);
    return { device: d.device, size, sr: d.sr ?? "", bootable: d.bootable === "true", type: d.type ?? "system" };
  });
}

/** The SR a disk goes to: its `sr` uuid, or the pool's default SR when empty. */
function diskSr(store: Store, vmRef: string, disk: ProvisionDisk, poolRef: string): string {
  if (disk.sr) return store.refByUuid("SR", disk.sr);
  const fallback = store.get("pool", poolRef).default_SR;
  if (fallback === NULL_REF) throw new XapiFailure("VM_REQUIRES_SR", [vmRef, NULL_REF]);
  return fallback;
}

/** VM.provision. */
export function vmProvisionMethods(): MethodDef[] {
  return [
    method({
      name: "VM.provision",
      params: [{ name: "vm", type: T.ref("VM") }],
      result: T.void,
      guard: vmOperation("provision"),
      handler: ({ core }, vmRef: string) => {
        const store = core.store;
        const vm = store.get("VM", vmRef);
        const disks = parseProvisionXml(vm.other_config.disks ?? "<provision/>");
        const placed = disks.map((disk) => ({ disk, sr: diskSr(store, vmRef, disk, core.refs.pool) }));
        const needed = new Map<string, number>();
        for (const { disk, sr } of placed) needed.set(sr, (needed.get(sr) ?? 0) + disk.size);
        for (const [sr, bytes] of needed) assertSpace(store, sr, bytes);
        for (const { disk, sr } of placed) {
          const vdi = createVdi(store, {
            name_label: `${vm.name_label} ${disk.device}`,
            name_description: "Created by template provisioner",
            SR: sr,
            virtual_size: disk.size,
            type: disk.type === "system" ? "system" : "user",
            other_config: {},
          });
          createVbd(store, { VM: vmRef, VDI: vdi, userdevice: disk.device, bootable: disk.bootable, mode: "RW", type: "Disk", empty: false });
        }
        store.update("VM", vmRef, { is_a_template: false });
      },
    }),
  ];
}
