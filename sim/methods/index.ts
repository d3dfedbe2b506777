/** The full method table of the simulated pool. */
import type { MethodTable } from "../rpc/method";
import { register } from "../rpc/method";
import { eventMethods } from "./event";
import { genericMethods } from "./generic";
import { networkMethods } from "./network";
import { sessionMethods } from "./session";
import { systemMethods } from "./system";
import { taskMethods } from "./task";
import { vbdMethods } from "./vbd";
import { vdiMethods } from "./vdi";
import { vifMethods } from "./vif";
import { vlanMethods } from "./vlan";
import { vmCopyMethods } from "./vm-copy";
import { vmDestroyMethods } from "./vm-destroy";
import { vmLiveMethods } from "./vm-live";
import { vmPowerMethods } from "./vm-power";
import { vmProvisionMethods } from "./vm-provision";
import { vmSettingsMethods } from "./vm-settings";

/** Builds the method table: generated per-class methods, then the hand-written ones over them. */
export function buildMethodTable(): MethodTable {
  const table: MethodTable = new Map();
  register(table, genericMethods());
  register(table, [
    ...sessionMethods(),
    ...systemMethods(),
    ...eventMethods(),
    ...taskMethods(),
    ...vmCopyMethods(),
    ...vmProvisionMethods(),
    ...vmPowerMethods(),
    ...vmSettingsMethods(),
    ...vmLiveMethods(),
    ...vmDestroyMethods(),
    ...vdiMethods(),
    ...vbdMethods(),
    ...vifMethods(),
    ...networkMethods(),
    ...vlanMethods(),
  ]);
  return table;
}
