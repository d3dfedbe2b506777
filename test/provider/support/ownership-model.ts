/**
 * The model-based ownership check of issue #9: a seeded random sequence of provider operations
 * (create, update, replace, delete, refresh, an injected failure at a random XAPI call, a create
 * killed mid-way and retried by a fresh provider instance) and outside actions (clone a managed VM
 * into a template, snapshot it, power it on/off, remove a VIF; for the network: remove our VIF
 * from a VM, clone or snapshot a VM carrying it, power it), driven through the XcpngLuaVM ("a",
 * "b") and VmNetwork ("n") providers' own functions against a simulator, with the invariants
 * checked after every step.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as net from "../../../provider/impl/vm-network";
import * as impl from "../../../provider/impl/xcpng-lua-vm";
import { SEEDED, TEMPLATES, startSimulator, type Simulator } from "../../../sim";
import { mulberry32 } from "../../support/prng";
import { startCutProxy } from "./cut-proxy";
import { attachOf, ensurePets, isMarkedOurs, isOurVif, isOurs, networkOutside, networkVariant, networkVariantOf, removeVif } from "./ownership-model-network";

const NAMES = ["a", "b", "n"] as const;
type Name = (typeof NAMES)[number];
/** The provider functions the model drives (both resources have them). */
type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">>;
const isNetwork = (name: Name) => name === "n";
const providerOf = (name: Name): Provider => (isNetwork(name) ? net : impl);
const WATCHED = ["VM", "VBD", "VDI", "VIF", "network"] as const;

/**
 * One step of a sequence (chosen without looking at the state, so a shrunk list still runs).
 * `variant` picks the replacing inputs; `memory` is a VM's, `attach` the network's VMs (bit mask).
 */
export type Step =
  | { kind: "create"; name: Name; variant: number; memory: number; attach: number }
  | { kind: "update"; name: Name; memory: number; label: string; attach: number }
  | { kind: "replace"; name: Name; variant: number }
  | { kind: "delete"; name: Name }
  | { kind: "refresh"; name: Name }
  | { kind: "fault"; name: Name; op: "create" | "update" | "replace" | "delete"; nth: number; variant: number; memory: number; attach: number }
  | { kind: "crash"; name: Name; cut: number; variant: number; attach: number; meddle: "none" | "clone" | "snapshot" }
  | { kind: "outside"; name: Name; action: "template" | "snapshot" | "power" | "removeVif" };

/** The random steps of sequence `seed`: 1 to `maxSteps` of them. */
export function stepsOf(seed: number, maxSteps: number): Step[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (n: number) => Math.floor(random() * n);
  const steps: Step[] = [];
  const count = 1 + int(maxSteps);
  for (let i = 0; i < count; i++) {
    const name = pick(NAMES);
    const kind = pick(["create", "create", "update", "replace", "delete", "refresh", "fault", "crash", "outside", "outside"] as const);
    if (kind === "create") steps.push({ kind, name, variant: int(4), memory: pick([512, 768]), attach: int(8) });
    else if (kind === "update") steps.push({ kind, name, memory: pick([512, 768, 1024]), label: pick(["x", "y"]), attach: int(8) });
    else if (kind === "replace") steps.push({ kind, name, variant: int(4) });
    else if (kind === "delete" || kind === "refresh") steps.push({ kind, name });
    else if (kind === "fault") steps.push({ kind, name, op: pick(["create", "update", "replace", "delete"] as const), nth: 1 + int(40), variant: int(4), memory: pick([512, 768]), attach: int(8) });
    else if (kind === "crash") steps.push({ kind, name, cut: 1 + int(40), variant: int(4), attach: int(8), meddle: pick(["none", "clone", "snapshot"] as const) });
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
  /** VMs and networks a killed create left in a known window (before its marker, or after "complete" before returning) */
  crashWindowOrphans: number;
}

type Records = Map<string, string>;

/**
 * The simulator for sequences (fake guests, no latency); each sequence uses its own stack name.
 * All of them share `password`, which the stack config holds too: partial states record the
 * connection without it, so later calls on such a resource take it from the config, as in a real stack.
 */
export function startModelSimulator(password?: string): Promise<Simulator> {
  return startSimulator({ guests: false, latency: { scale: 0 }, ...(password ? { password } : {}) });
}

let runs = 0;

/**
 * Runs one sequence on `sim` as a stack of its own (so objects other sequences left are, for it,
 * objects of others); `privateKey` is any valid key (guests are fake).
 */
export async function runSequence(sim: Simulator, steps: Step[], privateKey: string): Promise<SequenceResult> {
  runs += 1;
  const run = new SequenceRun(sim, privateKey, `model/run${runs}/`);
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
  private readonly pendingDeletes: Array<Resource & { name: Name }> = [];
  /** instances ever recorded, so a step's "ours" covers the objects of resources before and after it */
  private readonly connection: Record<string, unknown>;
  private userCount = 0;
  readonly orphans = new Set<string>();
  /** a violation seen inside an operation (not visible in the pool afterwards) */
  private problem?: string;
  private readonly userMade = new Set<string>();
  private baseline = new Set<string>();
  /** the pool's records the current step is compared with (the user's actions inside a step renew it) */
  private stepBefore = new Map<string, Records>();
  private baselineNetworks = new Set<string>();
  /** the user's VMs a network attaches to (uuids) */
  private pets: string[] = [];

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
    this.pets = await ensurePets(this.sim, (method, ...params) => this.xapi(method, ...params));
    this.baseline = new Set(this.sim.objects("VM").map((o) => o.ref));
    this.baselineNetworks = new Set(this.sim.objects("network").map((o) => o.ref));
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

  private owner(name: Name): string {
    return `${this.ownerPrefix}${isNetwork(name) ? "VmNetwork" : "XcpngLuaVM"}/${name}`;
  }

  /** Checked inputs of `name`: a VM's (`memory`), or a network's (`attach` mask; `extra.name` as the label). */
  private async inputs(name: Name, variant: number, memory: number, attach: number, extra: Record<string, unknown> = {}, connection = this.connection): Promise<Record<string, unknown>> {
    const raw = isNetwork(name) ? this.networkInputs(name, variant, attach, extra, connection) : this.vmInputs(name, variant, memory, extra, connection);
    const { inputs, failures } = await providerOf(name).check({}, raw);
    if (failures?.length || !inputs) throw new Error(`model inputs rejected: ${JSON.stringify(failures)}`);
    return inputs;
  }

  private networkInputs(name: Name, variant: number, attach: number, extra: Record<string, unknown>, connection: Record<string, unknown>): Record<string, unknown> {
    const label = extra.name === undefined ? "" : `-${String(extra.name)}`;
    return { __owner: this.owner(name), connection, name: `net-${name}${label}`, ...networkVariant(variant), attach: attachOf(this.pets, attach), timeouts: { create: 30, ready: 5, delete: 30 } };
  }

  private vmInputs(name: Name, variant: number, memory: number, extra: Record<string, unknown>, connection: Record<string, unknown>): Record<string, unknown> {
    const replaceInputs = [
      { template: TEMPLATES.cloneReady, cloneMode: "clone" },
      { template: "model-template-b", cloneMode: "clone" },
      { template: TEMPLATES.cloneReady, cloneMode: "copy", sr: SEEDED.localSr },
      { template: "model-template-b", cloneMode: "copy", sr: SEEDED.sharedSr },
    ][variant]!;
    return {
      __owner: this.owner(name),
      connection,
      name: `vm-${name}`,
      ...replaceInputs,
      networks: [{ network: SEEDED.managementNetwork }],
      ssh: { user: "model", port: 22, privateKey: this.privateKey },
      memoryMiB: memory,
      powerState: "halted",
      allowRestart: true,
      timeouts: { create: 30, ready: 5, delete: 30 },
      ...(extra.name === undefined ? {} : { name: `vm-${name}-${String(extra.name)}` }),
    };
  }

  private variantOf(name: Name, outputs: Record<string, unknown>): number {
    return isNetwork(name) ? networkVariantOf(outputs) : variantOf(outputs);
  }

  /** The attach mask of a network's outputs (its recorded `attach` list). */
  private attachMaskOf(outputs: Record<string, unknown>): number {
    const listed = new Set(((outputs.attach as Array<{ vmUuid: string }> | undefined) ?? []).map((a) => a.vmUuid));
    return this.pets.reduce((mask, uuid, i) => (listed.has(uuid) ? mask | (1 << i) : mask), 0);
  }

  // ---- provider operations, as the engine performs them --------------------------------------

  private async create(name: Name, inputs: Record<string, unknown>): Promise<Resource | undefined> {
    try {
      const result = await providerOf(name).create(inputs);
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

  private async doUpdate(name: Name, memory: number, label: string, attach: number): Promise<void> {
    const res = this.state.get(name);
    if (!res) return;
    const provider = providerOf(name);
    const news = await this.inputs(name, this.variantOf(name, res.outputs), memory, attach, { name: label });
    const diff = await provider.diff(res.id, res.outputs, news).catch(() => undefined);
    if (!diff || (diff.replaces?.length ?? 0) > 0) return;
    try {
      const result = await provider.update(res.id, res.outputs, news);
      res.outputs = result.outs ?? res.outputs;
    } catch (error) {
      const partial = error as { properties?: Record<string, unknown> };
      if (partial.properties) res.outputs = partial.properties;
    }
  }

  /**
   * Create-before-delete, as the engine replaces: the old one is deleted only after the new one
   * exists — unless diff asks for delete-before-replace (a network keeping its VLAN slot).
   */
  private async doReplace(name: Name, variant: number): Promise<void> {
    const old = this.state.get(name);
    if (!old) return;
    const news = await this.inputs(name, variant, Number(old.outputs.memoryMiB ?? 512), this.attachMaskOf(old.outputs));
    const diff = await providerOf(name).diff(old.id, old.outputs, news);
    if ((diff.replaces?.length ?? 0) === 0) return;
    if (diff.deleteBeforeReplace) {
      await this.doDelete(name);
      if (!this.state.has(name)) await this.doCreate(name, news);
      return;
    }
    this.state.delete(name);
    const made = await this.create(name, news);
    const replacement = made ?? this.state.get(name);
    if (replacement?.id === old.id) this.problem = `the replacement of ${name} returned its predecessor's object ${old.id} (the engine would now delete it)`;
    if (made) this.state.set(name, made);
    if (!this.state.has(name)) {
      this.state.set(name, old); // the engine keeps the old resource when the replacement failed
      return;
    }
    this.pendingDeletes.push({ ...old, name });
    await this.retryPendingDeletes();
  }

  private async doDelete(name: Name): Promise<void> {
    const res = this.state.get(name);
    if (!res) return;
    await providerOf(name).delete(res.id, res.outputs).then(
      () => this.state.delete(name),
      () => undefined,
    );
  }

  private async doRefresh(name: Name): Promise<void> {
    const res = this.state.get(name);
    if (!res) return;
    const read = await providerOf(name).read(res.id, res.outputs).catch(() => undefined);
    if (!read) return;
    if (!read.id) this.state.delete(name);
    else res.outputs = read.props ?? res.outputs;
  }

  private async retryPendingDeletes(): Promise<void> {
    for (const res of [...this.pendingDeletes]) {
      await providerOf(res.name).delete(res.id, res.outputs).then(
        () => this.pendingDeletes.splice(this.pendingDeletes.indexOf(res), 1),
        () => undefined,
      );
    }
  }

  private async operate(step: Exclude<Step, { kind: "outside" | "crash" | "fault" }>): Promise<void> {
    if (step.kind === "create") await this.doCreate(step.name, await this.inputs(step.name, step.variant, step.memory, step.attach));
    else if (step.kind === "update") await this.doUpdate(step.name, step.memory, step.label, step.attach);
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
    this.stepBefore = this.records();
    const instancesBefore = this.instances();
    await this.retryPendingDeletes();
    if (step.kind === "fault") {
      const op: Step = step.op === "create" ? { kind: "create", name: step.name, variant: step.variant, memory: step.memory, attach: step.attach } : step.op === "update" ? { kind: "update", name: step.name, memory: step.memory, label: "f", attach: step.attach } : step.op === "replace" ? { kind: "replace", name: step.name, variant: step.variant } : { kind: "delete", name: step.name };
      this.sim.faults.add({ method: "*", nth: step.nth, kind: "fail", code: "INTERNAL_ERROR", params: ["injected by the model"] });
      await this.operate(op);
      this.sim.faults.clear();
      await this.operate(op); // the user's next `up` (or destroy) retries
    } else if (step.kind === "crash") {
      await this.crash(step, instancesBefore);
    } else {
      await this.operate(step);
    }
    await this.retryPendingDeletes();
    return this.problem ?? this.checkState() ?? this.checkUntouched(this.stepBefore, this.records(), new Set([...instancesBefore, ...this.instances()]));
  }

  /**
   * A create killed after `cut` XAPI requests (no rollback runs), then retried by a fresh provider
   * instance; in between, the user may clone or snapshot what the killed create left unfinished
   * (`meddle`): the retry must leave those copies alone.
   */
  private async crash({ name, cut, variant, attach, meddle }: Extract<Step, { kind: "crash" }>, instances: Set<string>): Promise<void> {
    if (this.state.has(name)) return;
    const before = { VM: new Set(this.sim.objects("VM").map((o) => o.ref)), network: new Set(this.sim.objects("network").map((o) => o.ref)) };
    const proxy = await startCutProxy(this.sim.url, cut);
    const inputs = await this.inputs(name, variant, 512, attach, {}, { ...this.connection, url: proxy.url });
    const abandoned = providerOf(name).create(inputs).then(
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
    // What the killed create did is checked now; the user's copies below are the new baseline.
    this.problem ??= this.checkUntouched(this.stepBefore, this.records(), instances);
    for (const cls of ["VM", "network"] as const) {
      for (const object of this.sim.objects(cls)) {
        if (before[cls].has(object.ref)) continue;
        const marker = object.record.other_config ?? {};
        // Killed between the clone and its marker, or between the "complete" mark and the engine
        // learning the id: an object no retry may take over (docs/resources.md "Ownership", known windows).
        if ((cls === "VM" && marker["bioxen:self"] !== object.record.uuid) || marker["bioxen:state"] !== "creating") this.orphans.add(object.ref);
        else if (meddle !== "none") await this.copyUnfinished(cls, object.ref, meddle);
      }
    }
    this.stepBefore = this.records();
    await this.doCreate(name, await this.inputs(name, variant, 512, attach));
  }

  /** The user clones (when halted) or snapshots an unfinished VM, or a VM carrying a VIF of an unfinished network. */
  private async copyUnfinished(cls: "VM" | "network", ref: string, how: "clone" | "snapshot"): Promise<void> {
    const source = cls === "VM" ? ref : this.sim.objects("VIF").find((vif) => vif.record.network === ref)?.record.VM;
    const vm = source ? this.sim.record("VM", source) : undefined;
    if (!source || !vm) return;
    const method = how === "clone" && vm.power_state === "Halted" ? "VM.clone" : "VM.snapshot";
    this.userCount += 1;
    // A copy XAPI refuses (a snapshot of a template mid-provision) is simply not made.
    const copy = await this.xapi(method, source, `copy-${this.userCount}`).catch(() => undefined);
    if (copy) this.userMade.add(String(copy));
  }

  private async outside(step: Extract<Step, { kind: "outside" }>): Promise<void> {
    const res = this.state.get(step.name);
    const ref = res ? this.sim.refOf(res.id) : undefined;
    if (!res || !ref) return;
    this.userCount += 1;
    if (isNetwork(step.name)) {
      const made = await networkOutside(this.sim, (method, ...params) => this.xapi(method, ...params), res.outputs, step.action, String(this.userCount));
      for (const vm of made) this.userMade.add(vm);
      return;
    }
    const vm = this.sim.record("VM", ref)!;
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
    await this.removeCopiedVifs();
    const before = this.records();
    const instances = this.instances();
    await this.retryPendingDeletes();
    for (const name of NAMES) await this.doDelete(name);
    await this.retryPendingDeletes();
    if (this.state.size > 0 || this.pendingDeletes.length > 0) return `resources could not be deleted: ${[...this.state.keys()].join(", ")}`;
    const untouched = this.checkUntouched(before, this.records(), instances);
    if (untouched) return untouched;
    const ours = WATCHED.flatMap((cls) => this.sim.objects(cls).filter((o) => this.isMarkedOursNow(cls, o.record) && ![o.ref, o.record.network, o.record.VM].some((ref) => this.orphans.has(ref))).map((o) => `${cls} ${o.record.uuid}`));
    if (ours.length > 0) return `objects of ours remain: ${ours.join(", ")}`;
    const lost = [...this.userMade].filter((ref) => !this.sim.record("VM", ref));
    if (lost.length > 0) return `VMs the user made were destroyed: ${lost.join(", ")}`;
    const strays = this.sim.objects("VM").filter((o) => !this.baseline.has(o.ref) && !this.orphans.has(o.ref) && !this.userMade.has(o.ref));
    if (strays.length > 0) return `VMs nobody made remain: ${strays.map((o) => `${o.record.name_label} ${JSON.stringify(o.record.other_config)}`).join(", ")}`;
    const networks = this.sim.objects("network").filter((o) => !this.baselineNetworks.has(o.ref) && !this.orphans.has(o.ref));
    if (networks.length > 0) return `networks nobody made remain: ${networks.map((o) => `${o.record.name_label} ${JSON.stringify(o.record.other_config)}`).join(", ")}`;
    return undefined;
  }

  /** Marked ours as the pool is now (a VIF's marker against its VM's current uuid). */
  private isMarkedOursNow(cls: string, record: Record<string, any>): boolean {
    return isMarkedOurs(cls, record, this.ownerPrefix, cls === "VIF" ? this.sim.record("VM", record.VM)?.uuid : undefined);
  }

  /**
   * Before the final destroy the user removes the VIFs their clones and snapshots carry on our
   * networks (copies of ours: a delete refuses to remove a network they are on, and never removes them).
   */
  private async removeCopiedVifs(): Promise<void> {
    const networks = new Set(this.sim.objects("network").filter((o) => this.isMarkedOursNow("network", o.record)).map((o) => o.ref));
    for (const vif of this.sim.objects("VIF")) {
      if (networks.has(vif.record.network) && this.userMade.has(vif.record.VM)) await removeVif(this.sim, (method, ...params) => this.xapi(method, ...params), vif.ref);
    }
  }

  // ---- invariants ----------------------------------------------------------------------------

  private instances(): Set<string> {
    return new Set([...this.state.values(), ...this.pendingDeletes].map((r) => String(r.outputs.__instance)));
  }

  /**
   * The watched records, without back-references a change of another object updates (a VM's or
   * network's VIF list, operations in progress) and without what a guest agent reports on its
   * own after a start (a VM's `guest_metrics`).
   */
  private records(): Map<string, Records> {
    const shown = (cls: string, record: Record<string, any>) => {
      const { current_operations: _c, allowed_operations: _a, ...rest } = record;
      if (cls === "network" || cls === "VM") delete rest.VIFs;
      if (cls === "VM") delete rest.guest_metrics;
      return JSON.stringify(rest);
    };
    return new Map(WATCHED.map((cls) => [cls, new Map(this.sim.objects(cls).map((o) => [o.ref, shown(cls, o.record)]))]));
  }

  /** Each resource's id names an existing VM (network) carrying that instance's marker, written on itself. */
  private checkState(): string | undefined {
    for (const [name, res] of this.state) {
      const cls = isNetwork(name) ? "network" : "VM";
      const ref = this.sim.refOf(res.id);
      const record = ref ? this.sim.record(cls, ref) : undefined;
      if (!record) return `resource ${name} names ${cls} ${res.id}, which does not exist`;
      const marker = record.other_config ?? {};
      if (marker["bioxen:instance"] !== res.outputs.__instance || !isMarkedOurs(cls, record, this.ownerPrefix) || marker["bioxen:owner"] !== this.owner(name)) {
        return `resource ${name}'s ${cls} ${res.id} does not carry its marker (instance ${String(res.outputs.__instance)}): ${JSON.stringify(marker)}`;
      }
    }
    return undefined;
  }

  /** No object that did not carry our exact instance marker (or belong to such a VM) was modified or destroyed. */
  private checkUntouched(before: Map<string, Records>, after: Map<string, Records>, instances: Set<string>): string | undefined {
    const parsed = (cls: string) => new Map([...before.get(cls)!].map(([ref, json]) => [ref, JSON.parse(json) as Record<string, any>]));
    const [vms, vbds, networks] = [parsed("VM"), parsed("VBD"), parsed("network")];
    const oursVm = (ref: string) => {
      const vm = vms.get(ref);
      return vm !== undefined && isOurs("VM", vm, instances, this.ownerPrefix);
    };
    for (const cls of WATCHED) {
      for (const [ref, json] of before.get(cls)!) {
        const now = after.get(cls)!.get(ref);
        if (now === json) continue;
        const record = JSON.parse(json) as Record<string, any>;
        let ours: boolean;
        if (cls === "VM") ours = oursVm(ref);
        else if (cls === "VBD") ours = oursVm(record.VM);
        else if (cls === "VIF") ours = oursVm(record.VM) || isOurVif(record, vms.get(record.VM), networks.get(record.network), instances, this.ownerPrefix);
        else if (cls === "VDI") ours = isMarkedOurs("VDI", record, this.ownerPrefix) || (record.VBDs as string[]).some((vbd) => oursVm(vbds.get(vbd)?.VM));
        else ours = isOurs("network", record, instances, this.ownerPrefix);
        if (!ours) return `${cls} ${record.uuid} "${record.name_label ?? ""}" (not ours: ${JSON.stringify(record.other_config ?? {})}) was ${now === undefined ? "destroyed" : `modified (${changedFields(record, JSON.parse(now))})`}`;
      }
    }
    return undefined;
  }
}

/** The fields that differ, as `field: before → after`. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return keys.map((key) => `${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`).join("; ");
}

function variantOf(outputs: Record<string, unknown>): number {
  const b = outputs.template === "model-template-b";
  return outputs.cloneMode === "copy" ? (b ? 3 : 2) : b ? 1 : 0;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 2));
}
