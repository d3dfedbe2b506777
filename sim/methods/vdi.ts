/** VDI.create / destroy / resize / resize_online / copy. */
import { XapiFailure } from "../model/failure";
import { createFields, requireCreateFields } from "../rpc/from-wire";
import { method, type MethodDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { assertSpace, createVdi, destroyVbd, destroyVdi, recountSr } from "./disks";
import type { SimCore } from "../rpc/core";
import { readVdiContent, writeVdiContent } from "../model/vdi-content";
import { assertSmFeature } from "./sm-features";

const vdiSelf = { name: "self", type: T.ref("VDI") };

/** Throws VDI_IN_USE [vdi, op] when a VBD of the VDI is attached to a running VM. */
function assertVdiIdle(core: SimCore, ref: string, op: string): void {
  const vdi = core.store.get("VDI", ref);
  if (vdi.VBDs.some((vbd: string) => core.store.get("VBD", vbd).currently_attached)) throw new XapiFailure("VDI_IN_USE", [ref, op]);
}

/** Sets the VDI's size to `size` (never smaller), if its SR has the room. */
function growVdi(core: SimCore, ref: string, size: number): void {
  const vdi = core.store.get("VDI", ref);
  if (size < vdi.virtual_size) throw new XapiFailure("INVALID_VALUE", ["size", size]);
  assertSpace(core.store, vdi.SR, size - vdi.physical_utilisation);
  core.store.update("VDI", ref, { virtual_size: size, physical_utilisation: size });
  recountSr(core.store, vdi.SR);
}

/** VDI.* methods. */
export function vdiMethods(): MethodDef[] {
  return [
    method({
      name: "VDI.create",
      params: [{ name: "args", type: T.record("VDI") }],
      result: T.ref("VDI"),
      handler: ({ core }, args: Record<string, any>) => {
        requireCreateFields("VDI", args);
        if (args.virtual_size < 0) throw new XapiFailure("INVALID_VALUE", ["virtual_size", args.virtual_size]);
        return createVdi(core.store, createFields("VDI", args));
      },
    }),
    method({
      name: "VDI.destroy",
      params: [vdiSelf],
      result: T.void,
      handler: ({ core }, ref: string) => {
        assertVdiIdle(core, ref, "destroy");
        for (const vbd of core.store.get("VDI", ref).VBDs) destroyVbd(core.store, vbd);
        destroyVdi(core.store, ref);
      },
    }),
    method({
      name: "VDI.resize",
      params: [vdiSelf, { name: "size", type: T.int }],
      result: T.void,
      handler: ({ core }, ref: string, size: number) => {
        // xapi: `resize` is not an operation that can be performed live, whatever the SR.
        assertVdiIdle(core, ref, "resize");
        assertSmFeature(core.store, core.store.get("VDI", ref).SR, "VDI_RESIZE");
        growVdi(core, ref, size);
      },
    }),
    method({
      name: "VDI.resize_online",
      params: [vdiSelf, { name: "size", type: T.int }],
      result: T.void,
      handler: ({ core }, ref: string, size: number) => {
        // xapi: allowed while attached, when the SR's driver advertises VDI_RESIZE_ONLINE.
        assertSmFeature(core.store, core.store.get("VDI", ref).SR, "VDI_RESIZE_ONLINE");
        growVdi(core, ref, size);
      },
    }),
    method({
      name: "VDI.copy",
      params: [vdiSelf, { name: "sr", type: T.ref("SR") }],
      result: T.ref("VDI"),
      handler: ({ core }, ref: string, sr: string) => {
        const vdi = core.store.get("VDI", ref);
        const copy = createVdi(core.store, { ...vdi, uuid: undefined, SR: sr, VBDs: [], parent: NULL_REF, snapshots: [] });
        writeVdiContent(core.store, copy, readVdiContent(core.store, ref));
        return copy;
      },
    }),
  ];
}
