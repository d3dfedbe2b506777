/** VM resource settings (vCPUs, memory) and device-slot queries. */
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";
import type { SimCore } from "../rpc/core";
import { vmOperation } from "./vm-operation";

const self = { name: "self", type: T.ref("VM") };
const int = (name: string) => ({ name, type: T.int });

/** VIF devices a VM may have (xapi allows 0–6 on HVM guests). */
const VIF_SLOTS = 7;
/** VBD userdevices a VM may have. */
const VBD_SLOTS = 16;

const MEMORY_RULE = "Memory limits must satisfy: static_min <= dynamic_min <= dynamic_max <= static_max";

/** Throws MEMORY_CONSTRAINT_VIOLATION unless static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max. */
function setMemory(core: SimCore, ref: string, limits: { smin: number; smax: number; dmin: number; dmax: number }): void {
  const { smin, smax, dmin, dmax } = limits;
  if (!(smin <= dmin && dmin <= dmax && dmax <= smax) || smin < 0) throw new XapiFailure("MEMORY_CONSTRAINT_VIOLATION", [MEMORY_RULE]);
  core.store.update("VM", ref, {
    memory_static_min: smin,
    memory_static_max: smax,
    memory_dynamic_min: dmin,
    memory_dynamic_max: dmax,
    memory_target: dmax,
  });
}

function freeSlots(used: string[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i)).filter((d) => !used.includes(d));
}

/** VM.set_VCPUs_*, VM.set_memory*, VM.get_allowed_*_devices. */
export function vmSettingsMethods(): MethodDef[] {
  return [
    method({
      name: "VM.set_VCPUs_max",
      params: [self, int("value")],
      result: T.void,
      guard: vmOperation("changing_VCPUs"),
      handler: ({ core }, ref: string, value: number) => {
        const vm = core.store.get("VM", ref);
        if (value < 1 || value < vm.VCPUs_at_startup) throw new XapiFailure("INVALID_VALUE", ["VCPUs_max", value]);
        core.store.update("VM", ref, { VCPUs_max: value });
      },
    }),
    method({
      name: "VM.set_VCPUs_at_startup",
      params: [self, int("value")],
      result: T.void,
      // xapi checks no power state here (Xapi_vm.set_VCPUs_at_startup), only VCPUs_max.
      handler: ({ core }, ref: string, value: number) => {
        const vm = core.store.get("VM", ref);
        if (value < 1 || value > vm.VCPUs_max) throw new XapiFailure("INVALID_VALUE", ["VCPUs_at_startup", value]);
        core.store.update("VM", ref, { VCPUs_at_startup: value });
      },
    }),
    method({
      name: "VM.set_memory_limits",
      params: [self, int("static_min"), int("static_max"), int("dynamic_min"), int("dynamic_max")],
      result: T.void,
      guard: vmOperation("changing_memory_limits"),
      handler: ({ core }, ref: string, smin: number, smax: number, dmin: number, dmax: number) => {
        setMemory(core, ref, { smin, smax, dmin, dmax });
      },
    }),
    method({
      name: "VM.set_memory",
      params: [self, int("value")],
      result: T.void,
      guard: vmOperation("changing_memory_limits"),
      handler: ({ core }, ref: string, value: number) => {
        const vm = core.store.get("VM", ref);
        setMemory(core, ref, { smin: Math.min(vm.memory_static_min, value), smax: value, dmin: value, dmax: value });
      },
    }),
    method({
      name: "VM.set_memory_static_max",
      params: [self, int("value")],
      result: T.void,
      guard: vmOperation("changing_static_range"),
      handler: ({ core }, ref: string, value: number) => {
        const vm = core.store.get("VM", ref);
        setMemory(core, ref, { smin: vm.memory_static_min, smax: value, dmin: vm.memory_dynamic_min, dmax: vm.memory_dynamic_max });
      },
    }),
    method({
      name: "VM.set_memory_dynamic_range",
      params: [self, int("min"), int("max")],
      result: T.void,
      guard: vmOperation("changing_dynamic_range"),
      handler: ({ core }, ref: string, min: number, max: number) => {
        const vm = core.store.get("VM", ref);
        setMemory(core, ref, { smin: vm.memory_static_min, smax: vm.memory_static_max, dmin: min, dmax: max });
      },
    }),
    method({
      name: "VM.set_is_a_template",
      params: [self, { name: "value", type: T.bool }],
      result: T.void,
      // Only making a template is an operation in xapi (make_into_template); clearing the flag is a plain set.
      guard: vmOperation(([, value]) => (value ? "make_into_template" : undefined)),
      handler: ({ core }, ref: string, value: boolean) => {
        core.store.update("VM", ref, value ? { is_a_template: true } : { is_a_template: false, is_default_template: false });
      },
    }),
    method({
      name: "VM.get_allowed_VIF_devices",
      params: [{ name: "vm", type: T.ref("VM") }],
      result: T.stringSet,
      handler: ({ core }, ref: string) => {
        const vm = core.store.get("VM", ref);
        return freeSlots(vm.VIFs.map((v: string) => core.store.get("VIF", v).device), VIF_SLOTS);
      },
    }),
    method({
      name: "VM.get_allowed_VBD_devices",
      params: [{ name: "vm", type: T.ref("VM") }],
      result: T.stringSet,
      handler: ({ core }, ref: string) => {
        const vm = core.store.get("VM", ref);
        return freeSlots(vm.VBDs.map((v: string) => core.store.get("VBD", v).userdevice), VBD_SLOTS);
      },
    }),
  ];
}
