/**
 * LuaPackage's question to XAPI before it dials a VM: is the XcpngLuaVM behind the target
 * (`machineId: "xcpng:<pool uuid>:<vm uuid>"`, or the old `"xcpng:<vm uuid>"`) running, stopped
 * or gone? A stopped VM's sshd does not answer, so without this a refresh would wait out the whole
 * SSH dial deadline. Asked only when the stack config names an XAPI connection (`bioxen:xapi*`);
 * otherwise the caller just dials.
 *
 * That connection is one pool; a stack may hold VMs of other pools (XcpngLuaVM `connection`
 * inputs). A VM the configured pool does not know is "gone" only when the machineId names that
 * very pool; otherwise (another pool, or an old-form id without a pool) the answer is undefined
 * and the caller dials SSH as before. A VM the pool does know is reported whatever pool the id
 * names: VM uuids are unique.
 */
import { isGone, readPowerStateByUuid } from "../../../sdk/xapi/recipes";
import type { XapiCallOptions, XapiClient } from "../../../sdk/xapi";
import { settings } from "../../runtime/config";
import { withXapi } from "../../runtime/connections";
import { reveal } from "../../runtime/inputs";
import { parseXcpngMachineId, poolUuidOf, type XcpngMachine } from "../../runtime/machine-id";

/** The VM behind a target as XAPI sees it: its power state in lower case, or "gone". */
export interface VmPowerReport {
  vmUuid: string;
  /** "running", "halted", "suspended", "paused", or "gone" (no such VM in its own pool) */
  powerState: string;
}

/** The XCP-ng machine of an SSH target whose `machineId` is `xcpng:…`, else undefined. */
export function xcpngMachineOf(target: unknown): XcpngMachine | undefined {
  const spec = reveal<Record<string, unknown> | undefined>(target);
  if (spec === null || typeof spec !== "object" || spec.kind !== "ssh") return undefined;
  return parseXcpngMachineId(spec.machineId);
}

/** The VM uuid of an SSH target whose `machineId` is `xcpng:[<pool uuid>:]<vm uuid>`, else undefined. */
export function xcpngVmUuid(target: unknown): string | undefined {
  return xcpngMachineOf(target)?.vmUuid;
}

/** True when the provider settings hold a complete XAPI connection (url, user, password). */
export function xapiConfigured(): boolean {
  const { xapiUrl, xapiUsername, xapiPassword } = settings();
  return Boolean(xapiUrl && xapiUsername && xapiPassword);
}

/** The configured pool's uuid per pool URL, for the life of the process (a pool keeps its uuid). */
const configuredPoolUuids = new Map<string, Promise<string>>();

/**
 * Asks XAPI for the power state of the VM behind `target`; undefined when the target is no
 * XcpngLuaVM, no XAPI connection is configured, or the configured pool does not know the VM and
 * is not the pool the machineId names (then only SSH can tell).
 * @param timeoutMs time each XAPI call may take, from its start
 * @throws the XAPI error (with the VM uuid) when the pool cannot answer
 */
export async function vmPowerOf(target: unknown, timeoutMs: number, signal?: AbortSignal): Promise<VmPowerReport | undefined> {
  const machine = xcpngMachineOf(target);
  if (machine === undefined || !xapiConfigured()) return undefined;
  const { vmUuid } = machine;
  const options: XapiCallOptions = { deadline: timeoutMs, ...(signal ? { signal } : {}) };
  return withXapi(undefined, async (client, url) => {
    try {
      return { vmUuid, powerState: await readPowerStateByUuid(client, vmUuid, options) };
    } catch (error) {
      if (!isGone(error)) throw new Error(`asking XAPI ${url} for the power state of VM ${vmUuid} failed: ${(error as Error).message}`, { cause: error });
    }
    if (machine.poolUuid === undefined) return undefined;
    const configuredPool = await configuredPoolUuid(client, url, options);
    return machine.poolUuid === configuredPool ? { vmUuid, powerState: "gone" } : undefined;
  });
}

/** The uuid of the configured pool at `url`, read once per process (a failed read is not kept). */
function configuredPoolUuid(client: XapiClient, url: string, options: XapiCallOptions): Promise<string> {
  let known = configuredPoolUuids.get(url);
  if (known === undefined) {
    known = poolUuidOf(client, options);
    configuredPoolUuids.set(url, known);
    known.catch(() => configuredPoolUuids.get(url) === known && configuredPoolUuids.delete(url));
  }
  return known;
}
