/** VBD.create / destroy / plug / unplug. */
import { XapiFailure } from "../model/failure";
import { createFields, requireCreateFields } from "../rpc/from-wire";
import { method, type MethodDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { assertDetached, setAttached } from "./attachment";
import { createVbd, destroyVbd } from "./disks";
import { assertPowerState } from "./vm-state";

const vbdSelf = { name: "self", type: T.ref("VBD") };

/** VBD.* methods. */
export function vbdMethods(): MethodDef[] {
  return [
    method({
      name: "VBD.create",
      params: [{ name: "args", type: T.record("VBD") }],
      result: T.ref("VBD"),
      handler: ({ core }, args: Record<string, any>) => {
        requireCreateFields("VBD", args);
        const vm = core.store.get("VM", args.VM);
        if (args.VDI !== NULL_REF) core.store.get("VDI", args.VDI);
        const used = vm.VBDs.map((v: string) => core.store.get("VBD", v).userdevice);
        let userdevice = args.userdevice;
        if (userdevice === "autodetect") userdevice = String([...Array(16).keys()].find((i) => !used.includes(String(i))) ?? 16);
        if (used.includes(userdevice)) throw new XapiFailure("DEVICE_ALREADY_EXISTS", [userdevice]);
        const fields = createFields("VBD", args);
        return createVbd(core.store, { ...fields, userdevice, currently_attached: false });
      },
    }),
    method({
      name: "VBD.destroy",
      params: [vbdSelf],
      result: T.void,
      handler: ({ core }, ref: string) => {
        assertDetached(core.store, "VBD", ref);
        destroyVbd(core.store, ref);
      },
    }),
    method({
      name: "VBD.plug",
      params: [vbdSelf],
      result: T.void,
      handler: ({ core }, ref: string) => {
        const vbd = core.store.get("VBD", ref);
        assertPowerState(vbd.VM, core.store.get("VM", vbd.VM), ["Running"]);
        setAttached(core.store, "VBD", ref, true);
      },
    }),
    method({
      name: "VBD.unplug",
      params: [vbdSelf],
      result: T.void,
      handler: ({ core }, ref: string) => setAttached(core.store, "VBD", ref, false),
    }),
  ];
}
