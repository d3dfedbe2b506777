/** network.create / destroy. */
import type { SimCore } from "../rpc/core";
import { XapiFailure } from "../model/failure";
import { createFields, requireCreateFields } from "../rpc/from-wire";
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";
import { destroyVif } from "./nics";

/** other_config keys that mark xapi's own networks, which cannot be destroyed. */
const SYSTEM_NETWORK_KEYS = ["is_host_internal_management_network", "is_guest_installer_network"];

function bridgeFor(core: SimCore, requested: string): string {
  const used = new Set(core.store.all("network").map((o) => o.record.bridge));
  if (requested === "") {
    let n = 0;
    while (used.has(`xapi${n}`)) n += 1;
    return `xapi${n}`;
  }
  if (requested.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(requested) || requested.startsWith("xapi")) {
    throw new XapiFailure("INVALID_VALUE", ["bridge", requested]);
  }
  if (used.has(requested)) throw new XapiFailure("BRIDGE_NAME_EXISTS", [requested]);
  return requested;
}

/** network.* methods. */
export function networkMethods(): MethodDef[] {
  return [
    method({
      name: "network.create",
      params: [{ name: "args", type: T.record("network") }],
      result: T.ref("network"),
      handler: ({ core }, args: Record<string, any>) => {
        requireCreateFields("network", args);
        const fields = createFields("network", args);
        const mtu = typeof args.MTU === "number" && args.MTU > 0 ? args.MTU : 1500;
        return core.store.create("network", { ...fields, MTU: mtu, bridge: bridgeFor(core, args.bridge ?? "") });
      },
    }),
    method({
      name: "network.destroy",
      params: [{ name: "self", type: T.ref("network") }],
      result: T.void,
      handler: ({ core }, ref: string) => {
        const net = core.store.get("network", ref);
        if (SYSTEM_NETWORK_KEYS.some((k) => net.other_config[k] === "true")) throw new XapiFailure("CANNOT_DESTROY_SYSTEM_NETWORK", [ref]);
        if (net.PIFs.length > 0) throw new XapiFailure("NETWORK_CONTAINS_PIF", net.PIFs);
        const attached = net.VIFs.filter((v: string) => core.store.get("VIF", v).currently_attached);
        if (attached.length > 0) throw new XapiFailure("NETWORK_CONTAINS_VIF", attached);
        for (const vif of net.VIFs) destroyVif(core.store, vif);
        core.store.destroy("network", ref);
      },
    }),
  ];
}
