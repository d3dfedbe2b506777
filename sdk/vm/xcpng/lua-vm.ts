import { randomBytes } from "node:crypto";
import { LuaRunner } from "../../lua";
import { LuaRocks, validateLuaVersion, type RockTree } from "../../rocks";
import { sshTarget } from "../../ssh";
import { XapiClient, type XapiConnectOptions } from "../../xapi";
import { treeLuaPathEnv } from "../lua-paths";
import { scopedTarget } from "../scoped-target";
import type { LuaVM } from "../types";
import { RunnerVm } from "../vm-base";
import { validateVmId } from "../vm-id";
import { destroyXcpngLuaVm, ensureXcpngLuaVm } from "./lifecycle";
import { XcpngLuaVmError } from "./errors";
import type { XcpngLuaVmSpec, XcpngNicSpec } from "./types";
import type { XcpngCloudInitSpec } from "./cloud-init";

/** How an XCP-ng VM reaches the pool: login options (a client per VM), or a connected client to share. */
export type XcpngConnection = Omit<XapiConnectOptions, "signal"> | { client: XapiClient };

/** Options of an XCP-ng VM made by {@link createVm}. */
export interface XcpngVmSpec {
  type: "xcpng";
  /** The pool: `{ url, username, password, tls }` (TLS verified; pin with tls.fingerprint256), or `{ client }`. */
  connection: XcpngConnection;
  /** Template uuid or unique name_label. */
  template: string;
  /** VIFs, device 0 first; device 0's address is the SSH address. */
  networks: XcpngNicSpec[];
  /** Guest login: user, private key (never logged), port (default 22), optional host key pin. */
  ssh: { username: string; privateKey: string; port?: number; hostKeyFingerprint?: string };
  /** VM name_label (default the id). */
  name?: string;
  /**
   * Owner marker prefix; the VM's owner is `<owner>/<id>`. Default: a random per-call prefix, so
   * no other program's VM is ever taken over. Give a fixed one to continue a VM an interrupted
   * run left behind.
   */
  owner?: string;
  /** "clone" (default, fast) or "copy" (full copy to `sr`). */
  cloneMode?: "clone" | "copy";
  sr?: string;
  /** Default 1. */
  vcpus?: number;
  /** Default 1024. */
  memoryMiB?: number;
  diskGiB?: number;
  tags?: string[];
  /** Lua interpreter on the guest (default: the first of lua5.4, lua, lua5.3, lua5.1, luajit). */
  interpreter?: string;
  /** Rocks tree on the guest (default "user": ~/.luarocks); it is put first on the Lua path. */
  rocksTree?: RockTree;
  /** LuaRocks servers to install from (only these); default the guest's configured ones. */
  rocksServers?: readonly string[];
  rocksTimeoutMs?: number;
  /** Deadlines: create (clone … start, default 600 000 ms), ready (address, SSH, Lua, 300 000), delete (300 000). */
  timeouts?: { createMs?: number; readyMs?: number; deleteMs?: number };
  /** Per-VM identity through a cloud-init config drive (keys, hostname, a host key pinned before the first boot). */
  cloudInit?: XcpngCloudInitSpec;
  /**
   * Host name_label or uuid the VM should start on (VM.affinity: xapi uses it when that host is
   * up and has room). Resolved before anything is created; a private network shared with VMs
   * placed on another host is refused.
   */
  affinityHost?: string;
  /** Progress lines (no secrets). */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Creates an XCP-ng VM through the same lifecycle the XcpngLuaVM resource uses (clone from the
 * template, hardware, VIFs, start, guest address, SSH host key, Lua) and returns it as a
 * {@link LuaVM} whose target is SSH with the host key pinned. If anything fails, the VM is
 * destroyed again (createVm makes working VMs, not records to resume).
 */
export async function createXcpngVm(id: string, spec: XcpngVmSpec): Promise<LuaVM> {
  validateVmId(id);
  const lifecycleSpec = toLifecycleSpec(id, spec);
  const sharedClient = "client" in spec.connection ? spec.connection.client : undefined;
  const login = "client" in spec.connection ? undefined : spec.connection;
  const client = sharedClient ?? (await XapiClient.connect({ ...login!, signal: spec.signal }));
  const lifecycle = { ...spec.timeouts, signal: spec.signal, onProgress: spec.onProgress };
  const closeOwnClient = () => (sharedClient ? Promise.resolve() : client.close());
  const removeVm = async (vmUuid: string) => {
    const usable = client.closed && login ? await XapiClient.connect(login) : client;
    try {
      await destroyXcpngLuaVm(usable, vmUuid, lifecycleSpec.owner, { adopted: false }, { deleteMs: spec.timeouts?.deleteMs, onProgress: spec.onProgress });
    } finally {
      if (usable !== client) await usable.close();
    }
  };
  let vmUuid: string | undefined;
  try {
    const state = await ensureXcpngLuaVm(client, lifecycleSpec, lifecycle).catch((error: unknown) => {
      if (error instanceof XcpngLuaVmError) vmUuid = error.vmUuid;
      throw error;
    });
    vmUuid = state.vmUuid;
    if (!state.ipAddress || !state.hostKeyFingerprint || !state.lua) {
      throw new Error(`VM ${state.vmUuid} is running but reported no address, host key or Lua (state: ${JSON.stringify({ ...state, lua: state.lua?.interpreter })})`);
    }
    const machine = sshTarget({
      host: state.ipAddress,
      port: lifecycleSpec.ssh.port,
      username: spec.ssh.username,
      privateKey: spec.ssh.privateKey,
      hostKey: { fingerprint: state.hostKeyFingerprint },
    });
    const lua = state.lua;
    const rocks = new LuaRocks(machine, {
      tree: spec.rocksTree ?? "user",
      luaVersion: validateLuaVersion(lua.languageVersion),
      servers: spec.rocksServers,
      timeoutMs: spec.rocksTimeoutMs,
    });
    const tree = await rocks.treeRoot({ signal: spec.signal });
    const runTarget = scopedTarget(machine, { env: treeLuaPathEnv(tree, lua.languageVersion) });
    const uuid = state.vmUuid;
    return new RunnerVm({
      id,
      type: "xcpng",
      target: machine,
      runner: new LuaRunner(runTarget, { interpreter: lua.interpreter }),
      rocks,
      lua,
      address: state.ipAddress,
      tree,
      details: { vmUuid: uuid, name: state.name, owner: lifecycleSpec.owner, hostKeyFingerprint: state.hostKeyFingerprint, ...prefixed("address", state.addresses), ...(state.residentOnUuid ? { residentOn: state.residentOnUuid } : {}) },
      release: async () => {
        await machine.close().catch(() => undefined);
        await closeOwnClient();
      },
      remove: () => removeVm(uuid),
    });
  } catch (error) {
    const cleanup = vmUuid
      ? await removeVm(vmUuid).then(
          () => `VM ${vmUuid} was destroyed again`,
          (cleanupError: unknown) => `destroying VM ${vmUuid} failed too (${(cleanupError as Error).message}): remove it by hand`,
        )
      : "no VM was left behind";
    await closeOwnClient().catch(() => undefined);
    throw new Error(`xcpng VM ${id} (template ${JSON.stringify(spec.template)}): ${(error as Error).message} — ${cleanup}`, { cause: error });
  }
}

/** The lifecycle's spec for this VM, with createVm's defaults. */
function toLifecycleSpec(id: string, spec: XcpngVmSpec): XcpngLuaVmSpec {
  if (!spec.networks?.length) throw new Error(`xcpng VM ${id}: networks must name at least one network (device 0 carries SSH)`);
  const ownerPrefix = spec.owner ?? `createVm-${randomBytes(6).toString("hex")}`;
  return {
    owner: `${ownerPrefix}/${id}`,
    name: spec.name ?? id,
    template: spec.template,
    cloneMode: spec.cloneMode ?? "clone",
    sr: spec.sr,
    vcpus: spec.vcpus ?? 1,
    memoryMiB: spec.memoryMiB ?? 1024,
    diskGiB: spec.diskGiB,
    networks: spec.networks,
    ssh: { user: spec.ssh.username, port: spec.ssh.port ?? 22, privateKey: spec.ssh.privateKey, hostKeyFingerprint: spec.ssh.hostKeyFingerprint },
    luaInterpreter: spec.interpreter,
    tags: spec.tags ?? [],
    powerState: "running",
    allowRestart: true,
    ...(spec.cloudInit ? { cloudInit: spec.cloudInit } : {}),
    ...(spec.affinityHost !== undefined ? { affinityHost: spec.affinityHost } : {}),
  };
}

function prefixed(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}.${key}`, value]));
}
