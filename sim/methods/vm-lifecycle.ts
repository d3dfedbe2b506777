/**
 * Which VM operations xapi allows, and the error it gives otherwise, after the rules of
 * ocaml/xapi/xapi_vm_lifecycle.ml (check_operation_error, strict mode): the checks run in xapi's
 * order and the first failing one answers. `allowed_operations` is the set of operations that
 * pass them all (update_allowed_operations).
 */
import { API } from "../api/description";
import { XapiFailure } from "../model/failure";
import type { XRecord } from "../model/record";
import type { Store } from "../model/store";
import { hasGuestTools } from "./vm-state";

const ALL_STATES = ["Halted", "Paused", "Suspended", "Running"];

/** Power states per operation (allowed_power_states), for ops not in the table: every state. */
const POWER_STATES: Record<string, string[]> = {
  import: [],
  changing_shadow_memory: ["Halted"],
  changing_NVRAM: ["Halted"],
  make_into_template: ["Halted"],
  provision: ["Halted"],
  start: ["Halted"],
  start_on: ["Halted"],
  create_vtpm: ["Halted"],
  unpause: ["Paused"],
  csvm: ["Suspended"],
  resume: ["Suspended"],
  resume_on: ["Suspended"],
  changing_dynamic_range: ["Halted", "Running"],
  create_template: ["Halted", "Suspended"],
  destroy: ["Halted", "Suspended"],
  export: ["Halted", "Suspended"],
  hard_reboot: ["Paused", "Running"],
  checkpoint: ["Paused", "Suspended", "Running"],
  get_boot_record: ["Paused", "Suspended", "Running"],
  shutdown: ["Paused", "Suspended", "Running"],
  hard_shutdown: ["Paused", "Suspended", "Running"],
  migrate_send: ["Halted", "Suspended", "Running"],
};
for (const op of [
  "awaiting_memory_live", "call_plugin", "clean_reboot", "clean_shutdown", "changing_memory_live", "changing_shadow_memory_live",
  "changing_VCPUs_live", "data_source_op", "pause", "pool_migrate", "send_sysrq", "send_trigger", "snapshot_with_quiesce", "sysprep", "suspend",
]) {
  POWER_STATES[op] = ["Running"];
}

/** Operations that need no allowed_operations entry (xapi's ignored_ops). */
const IGNORED_OPS = new Set([
  "create_template", "power_state_reset", "csvm", "get_boot_record", "send_sysrq", "send_trigger", "query_services", "shutdown",
  "call_plugin", "changing_memory_live", "awaiting_memory_live", "changing_memory_limits", "changing_shadow_memory_live",
  "changing_VCPUs", "assert_operation_valid", "data_source_op", "update_allowed_operations", "import", "reverting",
]);

/** The operations listed in allowed_operations when they pass (the enum minus IGNORED_OPS), in xapi's order. */
const ALLOWABLE_OPS = API.enums.vm_operations.filter((op) => !IGNORED_OPS.has(op)).reverse();

/** What a template may do (check_template); destroy too unless it is a default template. */
const TEMPLATE_OPS = new Set([
  "changing_dynamic_range", "changing_static_range", "changing_memory_limits", "changing_shadow_memory", "changing_VCPUs",
  "changing_NVRAM", "clone", "copy", "export", "metadata_export", "provision",
]);
/** What a snapshot may do (check_snapshot). */
const SNAPSHOT_OPS = new Set(["revert", "clone", "copy", "export", "destroy", "hard_shutdown", "metadata_export"]);
/** What a control domain may do besides being looked at. */
const CONTROL_DOMAIN_OPS = new Set([
  "data_source_op", "changing_memory_live", "awaiting_memory_live", "metadata_export", "changing_dynamic_range",
  "changing_memory_limits", "changing_static_range", "start", "start_on", "changing_VCPUs", "destroy",
]);

function isTrue(value: unknown): boolean {
  return value === "1" || String(value).toLowerCase() === "true";
}

/** allowed_power_states: the states in which `op` may start. */
export function allowedPowerStates(op: string, vm: XRecord): string[] {
  if (["changing_VCPUs", "changing_static_range", "changing_memory_limits"].includes(op)) return vm.is_control_domain ? ["Halted", "Running"] : ["Halted"];
  // xapi adds Suspended for clone/copy of a snapshot (or with the pool's allow_clone_suspended_vm, not modelled).
  if (op === "clone" || op === "copy") return vm.is_a_snapshot ? ["Halted", "Suspended"] : ["Halted"];
  return POWER_STATES[op] ?? ALL_STATES;
}

/** is_allowed_concurrently: whether `op` may start while `current` (task → op) run. */
export function isAllowedConcurrently(op: string, current: Record<string, string>): boolean {
  const running = Object.values(current);
  const group = (ops: string[]) => ops.includes(op) && running.every((o) => ops.includes(o));
  if (group(["clone", "copy", "export"]) || group(["snapshot", "checkpoint"]) || group(["get_boot_record"])) return true;
  if (op === "hard_shutdown") return !running.includes("hard_shutdown");
  if (op === "hard_reboot") return !running.some((o) => o === "hard_shutdown" || o === "hard_reboot");
  const pairs: Array<[string, string]> = [
    ["snapshot_with_quiesce", "snapshot"],
    ["migrate_send", "metadata_export"],
    ["migrate_send", "clean_shutdown"],
    ["migrate_send", "clean_reboot"],
  ];
  return pairs.some(([state, transition]) => running.length === 1 && running[0] === state && transition === op);
}

/**
 * Why xapi refuses an operation: its error code and parameters. The checks return these, not
 * XapiFailure, because allowed_operations runs every check for every operation on each VM record
 * change, and building an Error (stack trace) per refused operation made that the simulator's hot spot.
 */
type Refusal = readonly [code: string, params: unknown[]];

/** OTHER_OPERATION_IN_PROGRESS ["VM", ref, op, task], several as `{a,b}` (report_concurrent_operations_error). */
function otherOperationInProgress(ref: string, current: Record<string, string>): Refusal {
  const entries = Object.entries(current);
  const [tasks, ops] = entries.length === 1 ? entries[0] : [`{${entries.map(([t]) => t).join(",")}}`, `{${entries.map(([, o]) => o).join(",")}}`];
  return ["OTHER_OPERATION_IN_PROGRESS", ["VM", ref, ops, tasks]];
}

/** check_op_for_feature (strict): a live guest without PV drivers (here: without guest tools) lacks the features. */
function featureError(ref: string, vm: XRecord, op: string): Refusal | undefined {
  const live = vm.power_state === "Running" || vm.power_state === "Paused";
  if (!live || hasGuestTools(vm)) return undefined;
  const needsGuest = ["suspend", "checkpoint", "pool_migrate", "migrate_send", "clean_shutdown", "clean_reboot", "changing_VCPUs_live"];
  return needsGuest.includes(op) ? ["VM_LACKS_FEATURE", [ref]] : undefined;
}

function templateError(ref: string, vm: XRecord, op: string): Refusal | undefined {
  const defaultTemplate = vm.is_default_template || isTrue(vm.other_config?.default_template);
  if (TEMPLATE_OPS.has(op) || ((op === "destroy" || op === "migrate_send") && !defaultTemplate)) return undefined;
  return ["VM_IS_TEMPLATE", [ref, op]];
}

function controlDomainError(vm: XRecord, op: string): Refusal | undefined {
  if (!vm.is_control_domain) return undefined;
  if ((op === "changing_VCPUs" || op === "destroy") && vm.domid === 0) return ["OPERATION_NOT_ALLOWED", ["This operation is not allowed on dom0"]];
  if (!CONTROL_DOMAIN_OPS.has(op)) return ["OPERATION_NOT_ALLOWED", ["This operation is not allowed on a control domain"]];
  return undefined;
}

function powerStateError(ref: string, vm: XRecord, op: string): Refusal | undefined {
  const states = allowedPowerStates(op, vm);
  if (states.includes(vm.power_state)) return undefined;
  return ["VM_BAD_POWER_STATE", [ref, states.map((s) => s.toLowerCase()).join(", "), String(vm.power_state).toLowerCase()]];
}

/** The checks of check_operation_error in xapi's order: the first refusal answers. */
function firstRefusal(ref: string, vm: XRecord, op: string): Refusal | undefined {
  const current: Record<string, string> = vm.current_operations ?? {};
  if (vm.blocked_operations?.[op] !== undefined) return ["OPERATION_BLOCKED", [ref, vm.blocked_operations[op]]];
  return (
    powerStateError(ref, vm, op) ??
    (Object.keys(current).length > 0 && !isAllowedConcurrently(op, current) ? otherOperationInProgress(ref, current) : undefined) ??
    (vm.is_a_template && !vm.is_a_snapshot ? templateError(ref, vm, op) : undefined) ??
    (vm.is_a_snapshot && !SNAPSHOT_OPS.has(op) ? ["VM_IS_SNAPSHOT", [ref, op]] : undefined) ??
    (op === "provision" && !vm.is_a_template ? ["PROVISION_ONLY_ALLOWED_ON_TEMPLATE", []] : undefined) ??
    (op === "revert" && !vm.is_a_snapshot ? ["REVERT_ONLY_ALLOWED_ON_SNAPSHOT", []] : undefined) ??
    controlDomainError(vm, op) ??
    featureError(ref, vm, op) ??
    (op === "snapshot_with_quiesce" ? ["VM_SNAPSHOT_WITH_QUIESCE_NOT_SUPPORTED", [ref]] : undefined) ??
    (op === "query_services" && !isTrue(vm.other_config?.is_system_domain) ? ["NOT_SYSTEM_DOMAIN", [ref]] : undefined)
  );
}

/** The error xapi gives for `op` on this VM record now, or undefined when it is allowed. */
export function vmOperationError(ref: string, vm: XRecord, op: string): XapiFailure | undefined {
  const refusal = firstRefusal(ref, vm, op);
  return refusal && new XapiFailure(refusal[0], refusal[1]);
}

/** update_allowed_operations: the operations that pass every check now. */
export function allowedOperations(ref: string, vm: XRecord): string[] {
  return ALLOWABLE_OPS.filter((op) => firstRefusal(ref, vm, op) === undefined);
}

/** Keeps every VM's allowed_operations current: recomputed whenever the VM record changes. */
export function deriveAllowedOperations(store: Store): void {
  store.derive("VM", (ref, record) => ({ allowed_operations: allowedOperations(ref, record) }));
}
