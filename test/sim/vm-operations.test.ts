/**
 * VM operations as xapi's xapi_vm_lifecycle.ml and with_vm_operation rule them: allowed_operations
 * per state, current_operations while a call runs, conflicting operations (waiting, then
 * OTHER_OPERATION_IN_PROGRESS), HOST_NOT_ENOUGH_FREE_MEMORY — over JSON-RPC and XML-RPC.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { TEMPLATES, type Simulator } from "../../sim";
import { awaitTask, fails, failureOf, ok, successValue, xapiOnlySim, xmlCall } from "./raw";

const GiB = 1024 ** 3;

/** allowed_operations of a halted, non-template VM on xapi (every check of check_operation_error passes). */
const HALTED = [
  "changing_NVRAM", "changing_dynamic_range", "changing_shadow_memory", "changing_static_range", "clone", "copy", "create_vtpm",
  "destroy", "export", "make_into_template", "metadata_export", "migrate_send", "snapshot", "start", "start_on",
];
/** …of a running VM whose guest has PV drivers (guest tools). */
const RUNNING = [
  "changing_VCPUs_live", "changing_dynamic_range", "checkpoint", "clean_reboot", "clean_shutdown", "hard_reboot", "hard_shutdown",
  "metadata_export", "migrate_send", "pause", "pool_migrate", "snapshot", "suspend",
];
/** …of a running HVM guest without drivers: the operations that need the guest's help drop out. */
const RUNNING_NO_TOOLS = ["changing_dynamic_range", "hard_reboot", "hard_shutdown", "metadata_export", "pause", "snapshot"];
/** …of a (non-default) template: clone, copy, provision, export, memory settings, destroy, migrate_send. */
const TEMPLATE = [
  "changing_NVRAM", "changing_dynamic_range", "changing_shadow_memory", "changing_static_range", "clone", "copy", "destroy", "export",
  "metadata_export", "migrate_send", "provision",
];
const PAUSED = ["checkpoint", "hard_reboot", "hard_shutdown", "metadata_export", "snapshot", "unpause"];
const SUSPENDED = ["checkpoint", "destroy", "export", "hard_shutdown", "metadata_export", "migrate_send", "resume", "resume_on", "snapshot"];

async function allowed(url: string, s: string, vm: string): Promise<string[]> {
  return [...(await ok(url, "VM.get_allowed_operations", [s, vm]))].sort();
}

describe("simulator VM operations (xapi_vm_lifecycle.ml)", () => {
  const running = xapiOnlySim();
  let sim: Simulator;
  let url: string;
  let s: string;
  let template: string;

  beforeAll(async () => {
    [sim, s] = [running.sim(), running.session()];
    url = sim.url;
    [template] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
  });

  const newVm = async (name: string, from = template) => {
    const vm = await ok(url, "VM.clone", [s, from, name]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    return vm;
  };
  /** Runs `body` with `ms` of latency on the given methods and none elsewhere. */
  const withLatency = async (methods: Record<string, number>, body: () => Promise<void>) => {
    sim.latency.set({ scale: 1, methods, defaultRange: [0, 0] });
    try {
      await body();
    } finally {
      sim.latency.set({ scale: 0 });
    }
  };

  it("keeps allowed_operations current through every power state", async () => {
    expect(await allowed(url, s, template)).toEqual(TEMPLATE);
    const vm = await newVm("ops-states");
    expect(await allowed(url, s, vm)).toEqual(HALTED);
    await ok(url, "VM.start", [s, vm, false, false]);
    expect(await allowed(url, s, vm)).toEqual(RUNNING);
    await ok(url, "VM.pause", [s, vm]);
    expect(await allowed(url, s, vm)).toEqual(PAUSED);
    await ok(url, "VM.unpause", [s, vm]);
    await ok(url, "VM.suspend", [s, vm]);
    expect(await allowed(url, s, vm)).toEqual(SUSPENDED);
    await ok(url, "VM.resume", [s, vm, false, false]);
    await ok(url, "VM.hard_shutdown", [s, vm]);
    expect(await allowed(url, s, vm)).toEqual(HALTED);
    // The same list over XML-RPC, as its record field.
    const reply = await xmlCall(url, "VM.get_allowed_operations", [s, vm]);
    expect([...reply.body.matchAll(/<value>([a-z_A-Z]+)<\/value>/g)].map((m) => m[1]).filter((v) => v !== "Success").sort()).toEqual(HALTED);
    const noTools = await newVm("ops-no-tools", (await ok(url, "VM.get_by_name_label", [s, TEMPLATES.noGuestTools]))[0]);
    await ok(url, "VM.start", [s, noTools, false, false]);
    expect(await allowed(url, s, noTools)).toEqual(RUNNING_NO_TOOLS);
    await ok(url, "VM.hard_shutdown", [s, noTools]);
  });

  it("checks in xapi's order: blocked, power state, other operations, template, snapshot, provision", async () => {
    const vm = await newVm("ops-order");
    await ok(url, "VM.add_to_blocked_operations", [s, vm, "start", "maintenance window"]);
    expect(await fails(url, "VM.start", [s, vm, false, false])).toEqual(["OPERATION_BLOCKED", vm, "maintenance window"]);
    expect(await allowed(url, s, vm)).not.toContain("start");
    await ok(url, "VM.remove_from_blocked_operations", [s, vm, "start"]);
    expect(await allowed(url, s, vm)).toContain("start");
    // A template is Halted: an operation that needs Running fails on the power state before the template check.
    expect(await fails(url, "VM.clean_shutdown", [s, template])).toEqual(["VM_BAD_POWER_STATE", template, "running", "halted"]);
    expect(await fails(url, "VM.start", [s, template, false, false])).toEqual(["VM_IS_TEMPLATE", template, "start"]);
    expect(await fails(url, "VM.set_is_a_template", [s, template, true])).toEqual(["VM_IS_TEMPLATE", template, "make_into_template"]);
    expect(await fails(url, "VM.provision", [s, vm])).toEqual(["PROVISION_ONLY_ALLOWED_ON_TEMPLATE"]);
    const [dom0] = Object.keys(await ok(url, "VM.get_all_records_where", [s, 'field "is_control_domain" = "true"']));
    expect(await fails(url, "VM.pause", [s, dom0])).toEqual(["OPERATION_NOT_ALLOWED", "This operation is not allowed on a control domain"]);
    await ok(url, "VM.destroy", [s, vm]);
  });

  it("lists an Async operation in current_operations under its task while it runs, and allows only what xapi runs beside it", async () => {
    await withLatency({ "VM.clone": 400 }, async () => {
      const task = await ok(url, "Async.VM.clone", [s, template, "ops-async-clone"]);
      expect(await ok(url, "VM.get_current_operations", [s, template])).toEqual({ [task]: "clone" });
      // Beside a clone xapi allows only the other long copies (is_allowed_concurrently).
      expect(await allowed(url, s, template)).toEqual(["clone", "copy", "export"]);
      const xml = await xmlCall(url, "VM.get_current_operations", [s, template]);
      expect(xml.body).toContain(`<member><name>${task}</name><value>clone</value></member>`);
      const record = await awaitTask(url, s, task);
      expect(record.status).toBe("success");
      expect(await ok(url, "VM.get_current_operations", [s, template])).toEqual({});
      expect(await allowed(url, s, template)).toEqual(TEMPLATE);
    });
  });

  it("names a sync call's own task in current_operations, and lets two clones of one template run at once", async () => {
    await withLatency({ "VM.clone": 400 }, async () => {
      const sync = ok(url, "VM.clone", [s, template, "ops-sync-clone"]);
      let current: Record<string, string> = {};
      while (Object.keys(current).length === 0) current = await ok(url, "VM.get_current_operations", [s, template]);
      const [[task, op]] = Object.entries(current);
      expect(op).toBe("clone");
      expect((await ok(url, "task.get_record", [s, task])).name_label).toBe("VM.clone");
      const second = await ok(url, "Async.VM.clone", [s, template, "ops-beside"]);
      expect(Object.values(await ok(url, "VM.get_current_operations", [s, template]))).toEqual(["clone", "clone"]);
      const clone = await sync;
      expect((await awaitTask(url, s, second)).status).toBe("success");
      // The sync call's task is gone with the call, as xapi destroys it.
      expect((await fails(url, "task.get_record", [s, task]))[0]).toBe("HANDLE_INVALID");
      // VM.clone of a template stays a template.
      expect(await ok(url, "VM.get_is_a_template", [s, clone])).toBe(true);
    });
  });

  it("makes a conflicting operation wait for the running one (xapi's retry), then checks it again", async () => {
    const vm = await newVm("ops-wait");
    await withLatency({ "VM.start": 400 }, async () => {
      const task = await ok(url, "Async.VM.start", [s, vm, false, false]);
      const started = Date.now();
      expect(await fails(url, "VM.start", [s, vm, false, false])).toEqual(["VM_BAD_POWER_STATE", vm, "halted", "running"]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      expect((await awaitTask(url, s, task)).status).toBe("success");
    });
    await ok(url, "VM.hard_shutdown", [s, vm]);
  });

  it("lets hard_shutdown cancel a running clean_shutdown, as xapi does", async () => {
    const vm = await newVm("ops-hard");
    await ok(url, "VM.start", [s, vm, false, false]);
    await withLatency({ "VM.clean_shutdown": 60_000 }, async () => {
      const clean = await ok(url, "Async.VM.clean_shutdown", [s, vm]);
      expect(await ok(url, "VM.get_current_operations", [s, vm])).toEqual({ [clean]: "clean_shutdown" });
      await ok(url, "VM.hard_shutdown", [s, vm]);
      const record = await awaitTask(url, s, clean);
      expect(record.status).toBe("cancelled");
      expect(record.error_info).toEqual(["TASK_CANCELLED", clean]);
    });
    expect(await ok(url, "VM.get_power_state", [s, vm])).toBe("Halted");
    expect(await ok(url, "VM.get_current_operations", [s, vm])).toEqual({});
  });

  it("answers HOST_NOT_ENOUGH_FREE_MEMORY [needed, available] over XML-RPC too", async () => {
    const vm = await newVm("ops-huge");
    await ok(url, "VM.set_memory_limits", [s, vm, GiB, 64 * GiB, GiB, 64 * GiB]);
    const hosts: Record<string, any> = await ok(url, "host.get_all_records", [s]);
    const [master, host] = Object.entries(hosts).find(([, h]) => h.address === new URL(url).hostname)!;
    const free = Number((await ok(url, "host_metrics.get_record", [s, host.metrics])).memory_free);
    const vms: Record<string, any> = await ok(url, "VM.get_all_records", [s]);
    const used = Object.values(vms)
      .filter((v) => v.resident_on === master && !v.is_control_domain)
      .reduce((sum, v) => sum + Number(v.memory_static_max), 0);
    const failure = failureOf((await xmlCall(url, "VM.start", [s, vm, { xml: "<boolean>0</boolean>" }, { xml: "<boolean>0</boolean>" }])).body);
    expect(failure).toEqual(["HOST_NOT_ENOUGH_FREE_MEMORY", String(64 * GiB), String(free - used)]);
    expect(successValue((await xmlCall(url, "VM.get_power_state", [s, vm])).body)).toBe("Halted");
    expect(await ok(url, "VM.get_current_operations", [s, vm])).toEqual({});
  });
});

describe("simulator VM operations without waiting (operationWaitMs: 0)", () => {
  const running = xapiOnlySim({ operationWaitMs: 0 });

  it("fails a conflicting operation at once with OTHER_OPERATION_IN_PROGRESS [\"VM\", ref, op, task]", async () => {
    const [sim, s] = [running.sim(), running.session()];
    const url = sim.url;
    const [template] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    const vm = await ok(url, "VM.clone", [s, template, "conflict"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    sim.latency.set({ scale: 1, methods: { "VM.start": 400 }, defaultRange: [0, 0] });
    try {
      const task = await ok(url, "Async.VM.start", [s, vm, false, false]);
      expect(await fails(url, "VM.destroy", [s, vm])).toEqual(["OTHER_OPERATION_IN_PROGRESS", "VM", vm, "start", task]);
      expect(failureOf((await xmlCall(url, "VM.clone", [s, vm, "beside-start"])).body)).toEqual(["OTHER_OPERATION_IN_PROGRESS", "VM", vm, "start", task]);
      expect(await ok(url, "VM.get_allowed_operations", [s, vm])).toEqual([]);
      expect((await awaitTask(url, s, task)).status).toBe("success");
    } finally {
      sim.latency.set({ scale: 0 });
    }
    await ok(url, "VM.hard_shutdown", [s, vm]);
    await ok(url, "VM.destroy", [s, vm]);
  });
});
