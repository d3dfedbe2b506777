/** Power-state checks of device methods and the guest-tools marker shared by VM methods. */
import { XapiFailure } from "../model/failure";
import type { XRecord } from "../model/record";

/** Other-config key that marks a template (and its clones) as having no guest tools. */
export const NO_GUEST_TOOLS_KEY = "bioxen-sim:no-guest-tools";

/** Other-config key that marks a template (and its clones) as running cloud-init at boot. */
export const CLOUD_INIT_KEY = "bioxen-sim:cloud-init";

/** Other-config key that marks a template (and its clones) as having no SSH key baked in. */
export const NO_BAKED_KEYS_KEY = "bioxen-sim:no-baked-keys";

/** Throws `VM_BAD_POWER_STATE [vm, expected, actual]` (lowercase) unless the VM is in one of `allowed`. */
export function assertPowerState(vmRef: string, vm: XRecord, allowed: readonly string[]): void {
  if (allowed.includes(vm.power_state)) return;
  throw new XapiFailure("VM_BAD_POWER_STATE", [vmRef, allowed.map((s) => s.toLowerCase()).join(", "), String(vm.power_state).toLowerCase()]);
}

/** Whether the VM's OS image carries guest tools (reports metrics, supports clean shutdown). */
export function hasGuestTools(vm: XRecord): boolean {
  return vm.other_config?.[NO_GUEST_TOOLS_KEY] !== "true";
}

/** Whether the VM's OS image runs cloud-init (reads a NoCloud drive at boot). */
export function runsCloudInit(vm: XRecord): boolean {
  return vm.other_config?.[CLOUD_INIT_KEY] === "true";
}

/** Whether the VM's OS image carries the simulator's authorized keys. */
export function hasBakedKeys(vm: XRecord): boolean {
  return vm.other_config?.[NO_BAKED_KEYS_KEY] !== "true";
}
