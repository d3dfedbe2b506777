/**
 * The model-based ownership check of issue #9: a seeded random sequence of provider operations
 * (create, update, replace, delete, refresh, an injected failure at a random XAPI call, a create
 * killed mid-way and retried by a fresh provider instance) and outside actions (clone a managed VM
 * into a template, snapshot it, power it on/off, remove a VIF), driven through the XcpngLuaVM
 * provider's own functions against a fresh simulator, with the invariants checked after every step.
 */
import * as impl from "../../../provider/impl/xcpng-lua-vm";
import { SEEDED, TEMPLATES, startSimulator, type Simulator } from "../../../sim";
import { startCutProxy } from "./cut-proxy";

const NAMES = ["a", "b"] as const;
type Name = (typeof NAMES)[number];
const WATCHED = ["VM", "VBD", "VDI", "VIF", "network"] as const;

/** One step of a sequence (chosen without looking at the state, so a shrunk list still runs). */
export type Step =
  | { kind: "create"; name: Name; variant: number; memory: number }
  | { kind: "update"; name: Name; memory: number; label: string }
  | { kind: "replace"; name: Name; variant: number }
  | { kind: "delete"; name: Name }
  | { kind: "refresh"; name: Name }
  | { kind: "fault"; name: Name; op: "create" | "update" | "replace" | "delete"; nth: number; variant: number; memory: number }
  | { kind: "crash"; name: Name; cut: number; variant: number }
  | { kind: "outside"; name: Name; action: "template" | "snapshot" | "power" | "removeVif" };

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random steps of sequence `seed`: 1 to `maxSteps` of them. */
export function stepsOf(seed: number, maxSteps: number): Step[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (n: number) => Math.floor(random() * n);
  const steps: Step[] = [];
  const count = 1 + int(maxSteps);
  for (let i = 0; i < count; i++) {
    const name = pick(NAMES);
    const kind = pick(["create", "create", "update", "replace", "delete", "refresh", "fault", "crash", "outside", "outside"] as const);
    if (kind === "create") steps.push({ kind, name, variant: int(4), memory: pick([512, 768]) });
    else if (kind === "update") steps.push({ kind, name, memory: pick([512, 768, 1024]), label: pick(["x", "y"]) });
    else if (kind === "replace") steps.push({ kind, name, variant: int(4) });
    else if (kind === "delete" || kind === "refresh") steps.push({ kind, name });
    else if (kind === "fault") steps.push({ kind, name, op: pick(["create", "update", "replace", "delete"] as const), nth: 1 + int(40), variant: int(4), memory: pick([512, 768]) });
    else if (kind === "crash") steps.push({ kind, name, cut: 1 + int(40), variant: int(4) });
    else steps.push({ kind, name, action: pick(["template", "snapshot", "power", "removeVif"] as const) });
  }
  return steps;
}

interface Resource {
  id: string;
  outputs: Record<string, unknown>;
}

/** What one sequence found: nothing (ok), or the first violated invariant. */
export interface SequenceResult {
  violation?: string;
  /** VMs a killed create left in a known window (before its marker, or after "complete" before returning) */
  crashWindowOrphans: number;
}

type Records = Map<string, string>;

/** The simulator for sequences (fake guests, no latency); each sequence uses its own stack name. */
export function startModelSimulator(): Promise<Simulator> {
  return startSimulator({ guests: false, latency: { scale: 0 } });
}

let runs = 0;

/**
 * Runs one sequence on `sim` as a stack of its own (so objects other sequences left are, for it,
 * objects of others); `privateKey` is any valid key (guests are fake).
 */
export async function runSequence(sim: Simulator, steps: Step[], privateKey: string): Promise<SequenceResult> {
  runs += 1;
  const run = new SequenceRun(sim, privateKey, `model/run${runs}/XcpngLuaVM/`);
  sim.faults.clear();
  await run.start();
  for (const [index, step] of steps.entries()) {
    const violation = await run.step(step);
    if (violation) return { violation: `step ${index + 1} (${JSON.stringify(step)}): ${violation}`, crashWindowOrphans: run.orphans.size };
  }
  const violation = await run.finish();
  return { ...(violation ? { violation: `final destroy: ${violation}` } : {}), crashWindowOrphans: run.orphans.size };
}

class SequenceRun {
  private readonly state = new Map<Name, Resource>();
  private readonly pendingDeletes: Resource[] = [];
  /** instances ever recorded, so a step's "ours" covers the objects of resources before and after it */
  private readonly connection: Record<string, unknown>;
  private userCount = 0;
  readonly orphans = new Set<string>();
  /** a violation seen inside an operation (not visible in the pool afterwards) */
  private problem?: string;
  private readonly userMade = new Set<string>();
  private baseline = new Set<string>();

  constructor(
    private readonly sim: Simulator,
    private readonly privateKey: string,
    private readonly ownerPrefix: string,
  ) {
    this.connection = { url: sim.url, username: sim.username, password: sim.password };
  }

  async start(): Promise<void> {
    const template = this.sim.objects("VM").find((o) => o.record.name_label === TEMPLATES.cloneReady)!;
    if (!this.sim.objects("VM").some((o) => o.record.name_label === "model-template-b")) await this.xapi("VM.clone", template.ref, "model-template-b");
    this.baseline = new Set(this.sim.objects("VM").map((o) => o.ref));
  }

  private async xapi(method: string, ...params: unknown[]): Promise<unknown> {
    const session = await this.sessionRef();
    const response = await fetch(`${this.sim.url}/jsonrpc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [session, ...params] }) });
    const body = (await response.json()) as { result?: unknown; error?: { message: string; data: unknown[] } };
    if (body.error) throw new Error(`${method}: ${body.error.message} ${JSON.stringify(body.error.data)}`);
    return body.result;
  }

  private session?: string;
  private async sessionRef(): Promise<string> {
    if (this.session) return this.session;
    const response = await fetch(`${this.sim.url}/jsonrpc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "session.login_with_password", params: [this.sim.username, this.sim.password, "1.1", "model"] }) });
    this.session = String(((await response.json()) as { result: string }).result);
    return this.session;
  }

  private async inputs(name: Name, variant: number, memory: number, extra: Record<string, unknown> = {}, connection = this.connection): Promise<Record<string, unknown>> {
    const replaceInputs = [
      { template: TEMPLATES.cloneReady, cloneMode: "clone" },
      { template: "model-template-b", cloneMode: "clone" },
      { template: TEMPLATES.cloneReady, cloneMode: "copy", sr: SEEDED.localSr },
      { template: "model-template-b", cloneMode: "copy", sr: SEEDED.sharedSr },
    ][variant]!;
    const raw = {
      __owner: `${this.ownerPrefix}${name}`,
      connection,
      name: `vm-${name}`,
      ...replaceInputs,
      networks: [{ network: SEEDED.managementNetwork }],
      ssh: { user: "model", port: 22, privateKey: this.privateKey },
      memoryMiB: memory,
      powerState: "halted",
      allowRestart: true,
      timeouts: { create: 30, ready: 5, delete: 30 },
      ...extra,
    };
    const { inputs, failures } = await impl.check({}, raw);
    if (failures?.length) throw new Error(`model inputs rejected: ${JSON.stringify(failures)}`);
    return inputs;
  }

  // ---- provider operations, as the engine performs them --------------------------------------

  private async create(name: Name, inputs: Record<string, unknown>): Promise<Resource | undefined> {
    try {
      const result = await impl.create(inputs);
      return { id: result.id, outputs: result.outs ?? {} };
    } catch (error) {
      const partial = error as { id?: string; properties?: Record<string, unknown> };
      if (partial.id) this.state.set(name, { id: partial.id, outputs: partial.properties ?? {} });
      return undefined;
    }
  }

  private async doCreate(name: Name, inputs: Record<string, unknown>): Promise<void> {
    if (this.state.has(name)) return;
    const made = await this.create(name, inputs);
    if (made) this.state.set(name, made);
  }

  private async doUpdate(name: Name, memory: number, label: string): Promise<void> {
    const res = this.state.get(name);
    if (!res) return;
    const news = await this.inputs(name, variantOf(res.outputs), memory, { name: `vm-${name}-${label}` });
    const diff = await impl.diff(res.id, res.outputs, news).catch(() => undefined);
    if (!diff || (diff.replaces?.length ?? 0) > 0) return;
    try {
      const result = await impl.update(res.id, res.outputs, news);
      res.outputs = result.outs ?? res.outputs;
    } catch (error) {
      const partial = error as { properties?: Record<string, unknown> };
      if (partial.properties) res.outputs = partial.properties;
    }
  }

  /** Create-before-delete, as the engine replaces: the old one is deleted only after the new one exists. */
  private async doReplace(name: Name, variant: number): Promise<void> {
    const old = this.state.get(name);
    if (!old) return;
    const news = await this.inputs(name, variant, Number(old.outputs.memoryMiB ?? 512));
    const diff = await impl.diff(old.id, old.outputs, news);
    if ((diff.replaces?.length ?? 0) === 0) return;
    this.state.delete(name);
    const made = await this.create(name, news);
    const replacement = made ?? this.state.get(name);
    if (replacement?.id === old.id) this.problem = `the replacement of ${name} returned its predecessor's VM ${old.id} (the engine would now delete it)`;
    if (made) this.state.set(name, made);
    if (!this.state.has(name)) {
      this.state.set(name, old); // the engine keeps the old resource when the replacement failed
      return;
    }
    this.pendingDeletes.push(old);
    await this.retryPendingDeletes();
  }

  private async doDelete(name: Name): Promise<void> {
    const res = this.state.get(name);
    if (!res) return;
    await impl.delete(res.id, res.outputs).then(
      () => this.state.delete(name),
      () => undefined,
    );
  }

  private async doRefresh(name: Name): Promise<void> {
    const res = this.state.get(name);
    if (!res) return;
    const read = await impl.read(res.id, res.outputs).catch(() => undefined);
    if (!read) return;
    if (!read.id) this.state.delete(name);
    else res.outputs = read.props ?? res.outputs;
  }

  private async retryPendingDeletes(): Promise<void> {
    for (const res of [...this.pendingDeletes]) {
      await impl.delete(res.id, res.outputs).then(
        () => this.pendingDeletes.splice(this.pendingDeletes.indexOf(res), 1),
        () => undefined,
      );
    }
  }

  private async operate(step: Exclude<Step, { kind: "outside" | "crash" | "fault" }>): Promise<void> {
    if (step.kind === "create") await this.doCreate(step.name, await this.inputs(step.name, step.variant, step.memory));
    else if (step.kind === "update") await this.doUpdate(step.name, step.memory, step.label);
    else if (step.kind === "replace") await this.doReplace(step.name, step.variant);
    else if (step.kind === "delete") await this.doDelete(step.name);
    else await this.doRefresh(step.name);
  }

  // ---- steps ---------------------------------------------------------------------------------

  async step(step: Step): Promise<string | undefined> {
    if (step.kind === "outside") {
      await this.outside(step);
      return this.checkState();
    }
    const before = this.records();
    const instancesBefore = this.instances();
    await this.retryPendingDeletes();
    if (step.kind === "fault") {
      const op: Step = step.op === "create" ? { kind: "create", name: step.name, variant: step.variant, memory: step.memory } : step.op === "update" ? { kind: "update", name: step.name, memory: step.memory, label: "f" } : step.op === "replace" ? { kind: "replace", name: step.name, variant: step.variant } : { kind: "delete", name: step.name };
      this.sim.faults.add({ method: "*", nth: step.nth, kind: "fail", code: "INTERNAL_ERROR", params: ["injected by the model"] });
      await this.operate(op);
      this.sim.faults.clear();
      await this.operate(op); // the user's next `up` (or destroy) retries
    } else if (step.kind === "crash") {
      await this.crash(step.name, step.cut, step.variant);
    } else {
      await this.operate(step);
    }
    await this.retryPendingDeletes();
    return this.problem ?? this.checkState() ?? this.checkUntouched(before, this.records(), new Set([...instancesBefore, ...this.instances()]));
  }

  /** A create killed after `cut` XAPI requests (no rollback runs), then retried by a fresh provider instance. */
  private async crash(name: Name, cut: number, variant: number): Promise<void> {
    if (this.state.has(name)) return;
    const vmsBefore = new Set(this.sim.objects("VM").map((o) => o.ref));
    const proxy = await startCutProxy(this.sim.url, cut);
    const inputs = await this.inputs(name, variant, 512, {}, { ...this.connection, url: proxy.url });
    const abandoned = impl.create(inputs).then(
      (result) => ({ finished: result }),
      () => undefined,
    );
    // The "process" dies once the connection went silent (or the create finished within the cut).
    const finished = await Promise.race([abandoned, waitUntil(() => proxy.forwarded() >= cut, 10_000).then(() => undefined)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await proxy.kill();
    const outcome = finished ?? (await Promise.race([abandoned, new Promise((resolve) => setTimeout(() => resolve(undefined), 50))]));
    if (outcome && "finished" in (outcome as object)) {
      const { id, outs } = (outcome as { finished: { id: string; outs?: Record<string, unknown> } }).finished;
      // It finished before the cut: the engine records it (reached through the pool's own URL from now on).
      this.state.set(name, { id, outputs: { ...outs, connection: this.connection } });
      return;
    }
    for (const vm of this.sim.objects("VM")) {
      if (vmsBefore.has(vm.ref)) continue;
      const marker = vm.record.other_config ?? {};
      // Killed between the clone and its marker, or between the "complete" mark and the engine
      // learning the id: a VM no retry may take over (docs/resources.md "Ownership", known windows).
      if (marker["bioxen:self"] !== vm.record.uuid || marker["bioxen:state"] !== "creating") this.orphans.add(vm.ref);
    }
    await this.doCreate(name, await this.inputs(name, variant, 512));
  }

  private async outside(step: Extract<Step, { kind: "outside" }>): Promise<void> {
    const res = this.state.get(step.name);
    const ref = res ? this.sim.refOf(res.id) : undefined;
    if (!ref) return;
    const vm = this.sim.record("VM", ref)!;
    this.userCount += 1;
    if (step.action === "template") {
      if (vm.power_state !== "Halted") await this.xapi("VM.hard_shutdown", ref);
      const golden = String(await this.xapi("VM.clone", ref, `golden-${this.userCount}`));
      await this.xapi("VM.set_is_a_template", golden, true);
      this.userMade.add(golden);
    } else if (step.action === "snapshot") {
      this.userMade.add(String(await this.xapi("VM.snapshot", ref, `snap-${this.userCount}`)));
    } else if (step.action === "power") {
      await this.xapi(vm.power_state === "Halted" ? "VM.start" : "VM.hard_shutdown", ref, ...(vm.power_state === "Halted" ? [false, false] : []));
    } else {
      const vif = vm.VIFs[0];
      if (!vif) return;
      if (this.sim.record("VIF", vif)!.currently_attached) await this.xapi("VIF.unplug", vif);
      await this.xapi("VIF.destroy", vif);
    }
  }

  async finish(): Promise<string | undefined> {
    const before = this.records();
    const instances = this.instances();
    await this.retryPendingDeletes();
    for (const name of NAMES) await this.doDelete(name);
    await this.retryPendingDeletes();
    if (this.state.size > 0 || this.pendingDeletes.length > 0) return `resources could not be deleted: ${[...this.state.keys()].join(", ")}`;
    const untouched = this.checkUntouched(before, this.records(), instances);
    if (untouched) return untouched;
    const ours = WATCHED.flatMap((cls) => this.sim.objects(cls).filter((o) => isMarkedOurs(cls, o.record, this.ownerPrefix) && !this.orphans.has(o.ref)).map((o) => `${cls} ${o.record.uuid}`));
    if (ours.length > 0) return `objects of ours remain: ${ours.join(", ")}`;
    const strays = this.sim.objects("VM").filter((o) => !this.baseline.has(o.ref) && !this.orphans.has(o.ref) && !this.userMade.has(o.ref));
    if (strays.length > 0) return `VMs nobody made remain: ${strays.map((o) => `${o.record.name_label} ${JSON.stringify(o.record.other_config)}`).join(", ")}`;
    return undefined;
  }

  // ---- invariants ----------------------------------------------------------------------------

  private instances(): Set<string> {
    return new Set([...this.state.values(), ...this.pendingDeletes].map((r) => String(r.outputs.__instance)));
  }

  /** The watched records, without back-references a change of another object updates (a network's VIF list, operations in progress). */
  private records(): Map<string, Records> {
    const shown = (cls: string, record: Record<string, any>) => {
      const { current_operations: _c, allowed_operations: _a, ...rest } = record;
      if (cls === "network") delete rest.VIFs;
      return JSON.stringify(rest);
    };
    return new Map(WATCHED.map((cls) => [cls, new Map(this.sim.objects(cls).map((o) => [o.ref, shown(cls, o.record)]))]));
  }

  /** Each resource's id names an existing VM carrying that instance's marker. */
  private checkState(): string | undefined {
    for (const [name, res] of this.state) {
      const ref = this.sim.refOf(res.id);
      const record = ref ? this.sim.record("VM", ref) : undefined;
      if (!record) return `resource ${name} names VM ${res.id}, which does not exist`;
      const marker = record.other_config ?? {};
      if (marker["bioxen:instance"] !== res.outputs.__instance || marker["bioxen:self"] !== res.id || marker["bioxen:owner"] !== `${this.ownerPrefix}${name}`) {
        return `resource ${name}'s VM ${res.id} does not carry its marker (instance ${String(res.outputs.__instance)}): ${JSON.stringify(marker)}`;
      }
    }
    return undefined;
  }

  /** No object that did not carry our exact instance marker (or belong to such a VM) was modified or destroyed. */
  private checkUntouched(before: Map<string, Records>, after: Map<string, Records>, instances: Set<string>): string | undefined {
    const vms = new Map([...before.get("VM")!].map(([ref, json]) => [ref, JSON.parse(json) as Record<string, any>]));
    const oursVm = (ref: string) => {
      const vm = vms.get(ref);
      return vm !== undefined && isOurs(vm, instances, this.ownerPrefix);
    };
    const vbds = new Map([...before.get("VBD")!].map(([ref, json]) => [ref, JSON.parse(json) as Record<string, any>]));
    for (const cls of WATCHED) {
      for (const [ref, json] of before.get(cls)!) {
        const now = after.get(cls)!.get(ref);
        if (now === json) continue;
        const record = JSON.parse(json) as Record<string, any>;
        let ours: boolean;
        if (cls === "VM") ours = oursVm(ref);
        else if (cls === "VBD" || cls === "VIF") ours = oursVm(record.VM);
        else if (cls === "VDI") ours = isMarkedOurs("VDI", record, this.ownerPrefix) || (record.VBDs as string[]).some((vbd) => oursVm(vbds.get(vbd)?.VM));
        else ours = false;
        if (!ours) return `${cls} ${record.uuid} "${record.name_label ?? ""}" (not ours: ${JSON.stringify(record.other_config ?? {})}) was ${now === undefined ? "destroyed" : "modified"}`;
      }
    }
    return undefined;
  }
}

/** A VM of a resource instance in `instances`, or one a crashed create left "creating": marker written on it, not a snapshot. */
function isOurs(vm: Record<string, any>, instances: Set<string>, prefix: string): boolean {
  const marker = vm.other_config ?? {};
  return isMarkedOurs("VM", vm, prefix) && (instances.has(marker["bioxen:instance"]) || marker["bioxen:state"] === "creating");
}

/** Carries a marker of a model resource written on itself (never a copy, never a snapshot). */
function isMarkedOurs(cls: string, record: Record<string, any>, prefix: string): boolean {
  const marker = record.other_config ?? {};
  return String(marker["bioxen:owner"] ?? "").startsWith(prefix) && marker["bioxen:self"] === record.uuid && !(cls === "VM" && record.is_a_snapshot === true);
}

function variantOf(outputs: Record<string, unknown>): number {
  const b = outputs.template === "model-template-b";
  return outputs.cloneMode === "copy" ? (b ? 3 : 2) : b ? 1 : 0;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 2));
}
