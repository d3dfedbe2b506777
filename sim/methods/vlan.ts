/** VLAN.create / destroy and pool.create_VLAN_from_PIF, with xapi's checks. */
import type { SimCore } from "../rpc/core";
import { addToSet, removeFromSet } from "../model/links";
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";
import { isHostLive } from "./placement";

/** The MAC xapi gives every VLAN PIF. */
const VLAN_MAC = "fe:ff:ff:ff:ff:ff";

function createVlan(core: SimCore, taggedPif: string, tag: number, network: string): string {
  const store = core.store;
  const pif = store.get("PIF", taggedPif);
  store.get("network", network);
  if (store.get("network", network).PIFs.some((p: string) => store.get("PIF", p).host === pif.host)) {
    throw new XapiFailure("NETWORK_ALREADY_CONNECTED", [pif.host, taggedPif]);
  }
  if (pif.VLAN >= 0) throw new XapiFailure("PIF_IS_VLAN", [taggedPif]);
  if (tag < 0 || tag > 4094) throw new XapiFailure("VLAN_TAG_INVALID", [tag]);
  if (store.all("VLAN").some((v) => v.record.tagged_PIF === taggedPif && v.record.tag === tag)) throw new XapiFailure("PIF_VLAN_EXISTS", [pif.device]);
  if (core.kernelVlanTags.includes(tag)) throw new XapiFailure("VLAN_IN_USE", [pif.device, tag]);
  const untagged = store.create("PIF", {
    device: pif.device,
    network,
    host: pif.host,
    MAC: VLAN_MAC,
    MTU: pif.MTU,
    VLAN: tag,
    physical: false,
    currently_attached: true,
    IPv6: [""],
  });
  const vlan = store.create("VLAN", { tagged_PIF: taggedPif, untagged_PIF: untagged, tag, other_config: {} });
  store.update("PIF", untagged, { VLAN_master_of: vlan });
  addToSet(store, "PIF", taggedPif, "VLAN_slave_of", vlan);
  addToSet(store, "network", network, "PIFs", untagged);
  addToSet(store, "host", pif.host, "PIFs", untagged);
  return vlan;
}

function destroyVlan(core: SimCore, vlan: string): void {
  const store = core.store;
  const rec = store.get("VLAN", vlan);
  if (store.has("PIF", rec.untagged_PIF)) {
    const untagged = store.get("PIF", rec.untagged_PIF);
    removeFromSet(store, "network", untagged.network, "PIFs", rec.untagged_PIF);
    removeFromSet(store, "host", untagged.host, "PIFs", rec.untagged_PIF);
    store.destroy("PIF", rec.untagged_PIF);
  }
  removeFromSet(store, "PIF", rec.tagged_PIF, "VLAN_slave_of", vlan);
  store.destroy("VLAN", vlan);
}

/**
 * pool.create_VLAN_from_PIF as xapi_pool.ml does it: the VLAN on every PIF of the network `pif`
 * is on (one per host) whose host is live; any failure destroys the VLANs made so far and is
 * raised as is. Returns the new VLAN PIFs.
 */
function createVlanOnEveryHost(core: SimCore, pif: string, network: string, tag: number): string[] {
  const store = core.store;
  const onNetwork: string[] = store.get("network", store.get("PIF", pif).network).PIFs;
  const made: string[] = [];
  try {
    for (const p of onNetwork.filter((p) => isHostLive(core, store.get("PIF", p).host))) made.push(createVlan(core, p, tag, network));
  } catch (error) {
    for (const vlan of made) destroyVlan(core, vlan);
    throw error;
  }
  return made.map((vlan) => store.get("VLAN", vlan).untagged_PIF);
}

/** VLAN.* and pool.create_VLAN_from_PIF. */
export function vlanMethods(): MethodDef[] {
  return [
    method({
      name: "VLAN.create",
      params: [
        { name: "tagged_PIF", type: T.ref("PIF") },
        { name: "tag", type: T.int },
        { name: "network", type: T.ref("network") },
      ],
      result: T.ref("VLAN"),
      handler: ({ core }, pif: string, tag: number, network: string) => createVlan(core, pif, tag, network),
    }),
    method({
      name: "VLAN.destroy",
      params: [{ name: "self", type: T.ref("VLAN") }],
      result: T.void,
      handler: ({ core }, vlan: string) => destroyVlan(core, vlan),
    }),
    method({
      name: "pool.create_VLAN_from_PIF",
      params: [
        { name: "pif", type: T.ref("PIF") },
        { name: "network", type: T.ref("network") },
        { name: "VLAN", type: T.int },
      ],
      result: T.set(T.ref("PIF")),
      handler: ({ core }, pif: string, network: string, tag: number) => createVlanOnEveryHost(core, pif, network, tag),
    }),
  ];
}
