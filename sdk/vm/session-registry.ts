import type { DeadlineOptions } from "../base/deadline";
import { parseSessionId, validateSessionName, type AttachedSession, type LuaSessionHost, type LuaSessionHostOptions, type LuaSessionInfo } from "../lua";
import type { LuaVM } from "./types";

/** Where a {@link VmSessionRegistry} keeps sessions: the host options minus the namespace (the VM id). */
export type VmSessionOptions = Omit<LuaSessionHostOptions, "namespace">;

/** A session of a VM as {@link VmSessionRegistry.list} reports it. */
export interface VmSessionInfo extends LuaSessionInfo {
  vmId: string;
}

/**
 * The named attachable sessions of a manager's VMs ("<vm id>/<name>"): creates, attaches, lists
 * and kills them through each VM's {@link LuaSessionHost}, and remembers the attachments this
 * process holds so they can all be detached at the end.
 */
export class VmSessionRegistry {
  private readonly attachments = new Set<AttachedSession>();

  /**
   * @param vm looks a VM up by id (throws for an unknown id)
   * @param vms every VM, for listing
   * @param options session directory, buffer limit and deadlines for every VM
   */
  constructor(
    private readonly vm: (id: string) => LuaVM,
    private readonly vms: () => LuaVM[],
    private readonly options: VmSessionOptions,
  ) {}

  /** Starts a session on VM `vmId` and attaches to it; a bad name is refused before anything runs. */
  async create(vmId: string, name?: string, options: DeadlineOptions = {}): Promise<AttachedSession> {
    if (name !== undefined) validateSessionName(name);
    const host = await this.host(vmId);
    return this.track(await host.create(name, options));
  }

  /** Attaches to session "<vm id>/<name>" (started by this or any earlier process). */
  async attach(sessionId: string, options: DeadlineOptions = {}): Promise<AttachedSession> {
    const { namespace, name } = parseSessionId(sessionId);
    validateSessionName(name);
    return this.track(await (await this.host(namespace)).attach(name, options));
  }

  /** The running sessions of VM `vmId`, or of every VM, ordered by VM then name. */
  async list(vmId?: string, options: DeadlineOptions = {}): Promise<VmSessionInfo[]> {
    const vms = vmId === undefined ? this.vms() : [this.vm(vmId)];
    const lists = await Promise.all(vms.map(async (vm) => (await this.hostOf(vm).then((host) => host.list(options))).map((info) => ({ ...info, vmId: vm.id }))));
    return lists.flat();
  }

  /** Ends session "<vm id>/<name>" on its VM. */
  async kill(sessionId: string, options: DeadlineOptions = {}): Promise<void> {
    const { namespace, name } = parseSessionId(sessionId);
    validateSessionName(name);
    await (await this.host(namespace)).kill(name, options);
  }

  /** Ends every session of VM `vmId` (before the VM is destroyed). */
  async killAll(vmId: string): Promise<void> {
    const host = await this.host(vmId);
    for (const { name } of await host.list()) await host.kill(name);
  }

  /** Detaches every attachment this registry handed out; the sessions keep running. */
  async detachAll(): Promise<void> {
    const attachments = [...this.attachments];
    this.attachments.clear();
    await Promise.allSettled(attachments.map((attachment) => attachment.detach()));
  }

  private host(vmId: string): Promise<LuaSessionHost> {
    return this.hostOf(this.vm(vmId));
  }

  private hostOf(vm: LuaVM): Promise<LuaSessionHost> {
    return vm.sessionHost(this.options);
  }

  private track(attachment: AttachedSession): AttachedSession {
    for (const known of this.attachments) if (!known.attached) this.attachments.delete(known);
    this.attachments.add(attachment);
    return attachment;
  }
}
