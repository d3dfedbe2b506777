/**
 * XcpngLuaVM: inputs → sdk spec (resolving SSH defaults from the provider settings) and sdk
 * state → outputs (normalized inputs + computed outputs), and outputs → inputs for read.
 */
import type { XcpngLifecycleOptions, XcpngLuaVmSpec, XcpngLuaVmState } from "../../../sdk/vm/xcpng";
import { describeSetting, settings } from "../../runtime/config";
import { compact, reveal } from "../../runtime/inputs";
import { xcpngMachineId } from "../../runtime/machine-id";
import { OWNER_INPUT } from "../../runtime/owner";
import type { TargetSpec } from "../../runtime/ssh-target";
import { disksLiveOutputs, disksLiveSpec } from "./disks-live";
import { XCPNG_OUTPUT_KEYS, type XcpngLuaVmInputs } from "./inputs";
import { cloudInitOutputs, cloudInitSpecOf } from "./cloud-init";
import { phaseTimeouts } from "./phase-timeouts";
import { placementOutputs, placementSpec } from "./placement";

/**
 * The output recording the resource instance (`bioxen:instance` of its VM's marker). Absent in
 * state written by 0.1.0: such a VM is checked by its owner marker alone.
 */
export const INSTANCE_OUTPUT = "__instance";

/** The sdk spec for normalized inputs. @throws Error naming what to set when no SSH user or key is configured */
export function specOf(raw: Record<string, unknown>): XcpngLuaVmSpec {
  const inputs = reveal<XcpngLuaVmInputs>(raw);
  const config = settings();
  const user = inputs.ssh.user ?? config.sshUser;
  const privateKey = inputs.ssh.privateKey ?? config.sshPrivateKey;
  if (!user) throw new Error(`XcpngLuaVM "${inputs.name}": no SSH user: set ssh.user or ${describeSetting("sshUser")}`);
  if (!privateKey) throw new Error(`XcpngLuaVM "${inputs.name}": no SSH private key: set ssh.privateKey (as a secret) or ${describeSetting("sshPrivateKey")}`);
  return {
    owner: inputs[OWNER_INPUT],
    name: inputs.name,
    template: inputs.template ?? "",
    cloneMode: inputs.cloneMode,
    ...(inputs.sr ? { sr: inputs.sr } : {}),
    vcpus: inputs.vcpus,
    memoryMiB: inputs.memoryMiB,
    ...(inputs.diskGiB !== undefined ? { diskGiB: inputs.diskGiB } : {}),
    networks: inputs.networks,
    ssh: { user, port: inputs.ssh.port ?? config.sshPort, privateKey, ...(inputs.ssh.hostKeyFingerprint ? { hostKeyFingerprint: inputs.ssh.hostKeyFingerprint } : {}) },
    ...(inputs.luaInterpreter ? { luaInterpreter: inputs.luaInterpreter } : {}),
    tags: inputs.tags,
    powerState: inputs.powerState,
    allowRestart: inputs.allowRestart,
    ...(inputs.adopt ? { adopt: inputs.adopt } : {}),
    ...(inputs.cloudInit ? { cloudInit: cloudInitSpecOf(inputs.cloudInit) } : {}),
    ...disksLiveSpec(inputs),
    ...placementSpec(inputs),
  };
}

/** Deadlines from the `timeouts` input (seconds → ms), the per-phase ones included. */
export function lifecycleOptions(raw: Record<string, unknown>): XcpngLifecycleOptions {
  const timeouts = (raw.timeouts ?? {}) as XcpngLuaVmInputs["timeouts"] & object;
  return compact({
    createMs: timeouts.create !== undefined ? timeouts.create * 1000 : undefined,
    readyMs: timeouts.ready !== undefined ? timeouts.ready * 1000 : undefined,
    deleteMs: timeouts.delete !== undefined ? timeouts.delete * 1000 : undefined,
    phases: phaseTimeouts(timeouts),
  });
}

/**
 * Outputs: the inputs with the observed name, vCPUs, memory, tags and power state, plus what was
 * computed; `poolUuid` (the pool the VM was found in) goes into the sshTarget's `machineId`.
 */
export function outputsOf(inputs: Record<string, unknown>, state: XcpngLuaVmState, poolUuid: string, spec?: XcpngLuaVmSpec): Record<string, unknown> {
  const base: Record<string, unknown> = { ...inputs };
  for (const key of XCPNG_OUTPUT_KEYS) delete base[key];
  const ssh = reveal<XcpngLuaVmInputs["ssh"]>(inputs.ssh ?? {});
  const port = spec?.ssh.port ?? (inputs.sshTarget as { port?: number } | undefined)?.port ?? ssh.port ?? settings().sshPort;
  const user = spec?.ssh.user ?? ssh.user ?? settings().sshUser;
  const sshTarget: TargetSpec | undefined =
    state.ipAddress && state.hostKeyFingerprint && user
      ? compact({ kind: "ssh" as const, host: state.ipAddress, port, username: user, hostKeyFingerprint: state.hostKeyFingerprint, privateKey: ssh.privateKey, machineId: xcpngMachineId(poolUuid, state.vmUuid) })
      : undefined;
  return compact({
    ...base,
    name: state.name,
    vcpus: state.vcpus,
    memoryMiB: state.memoryMiB,
    ...(inputs.diskGiB !== undefined ? { diskGiB: Math.max(Number(inputs.diskGiB), state.diskGiB) } : {}),
    tags: state.tags,
    powerState: state.powerState,
    ...disksLiveOutputs(inputs, state),
    ...placementOutputs(inputs, state),
    vmUuid: state.vmUuid,
    ipAddress: state.ipAddress,
    addresses: state.addresses,
    hostKeyFingerprint: state.hostKeyFingerprint,
    luaVersion: state.lua?.version,
    luaLanguageVersion: state.lua?.languageVersion,
    luaCommand: state.lua?.interpreter,
    sshTarget,
    adopted: state.adopted,
    rootDiskGiB: state.diskGiB,
    rootDiskResizeOnline: state.rootDiskResizeOnline,
    ...cloudInitOutputs(state, inputs),
    [INSTANCE_OUTPUT]: state.instance,
  });
}

/** The inputs that correspond to outputs (for read): everything but the computed keys. */
export function inputsOf(outputs: Record<string, unknown>): Record<string, unknown> {
  const inputs = { ...outputs };
  for (const key of [...XCPNG_OUTPUT_KEYS, INSTANCE_OUTPUT]) delete inputs[key];
  return inputs;
}

/** The facts carried from the previous outputs into the sdk calls. */
export function priorOf(outputs: Record<string, unknown>): { hostKeyFingerprint?: string; lua?: XcpngLuaVmState["lua"]; adopted: boolean; instance?: string; networks?: XcpngLuaVmSpec["networks"] } {
  const lua = outputs.luaVersion && outputs.luaCommand
    ? { interpreter: String(outputs.luaCommand), version: String(outputs.luaVersion), languageVersion: String(outputs.luaLanguageVersion ?? "") }
    : undefined;
  return compact({
    hostKeyFingerprint: typeof outputs.hostKeyFingerprint === "string" ? outputs.hostKeyFingerprint : undefined,
    lua,
    adopted: outputs.adopted === true,
    instance: typeof outputs[INSTANCE_OUTPUT] === "string" ? outputs[INSTANCE_OUTPUT] : undefined,
    networks: Array.isArray(outputs.networks) ? (outputs.networks as XcpngLuaVmSpec["networks"]) : undefined,
  }) as ReturnType<typeof priorOf>;
}
