/**
 * LuaPackage's question to XAPI before it dials a VM: is the XcpngLuaVM behind the target
 * (`machineId: "xcpng:<vm uuid>"`) running, stopped or gone? A stopped VM's sshd does not
 * answer, so without this a refresh would wait out the whole SSH dial deadline. Asked only when
 * the stack config names an XAPI connection (`bioxen:xapi*`); otherwise the caller just dials.
 */
import { isGone } from "../../sdk/xapi/recipes";
import { settings } from "../runtime/config";
import { withXapi } from "../runtime/connections";
import { reveal } from "../runtime/inputs";

/** The VM behind a target as XAPI sees it: its power state in lower case, or "gone". */
export interface VmPowerReport {
  vmUuid: string;
  /** "running", "halted", "suspended", "paused", or "gone" (no such VM in the pool) */
  powerState: string;
}

const XCPNG_MACHINE = /^xcpng:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The VM uuid of an SSH target whose `machineId` is `xcpng:<uuid>`, else undefined. */
export function xcpngVmUuid(target: unknown): string | undefined {
  const spec = reveal<Record<string, unknown> | undefined>(target);
  if (spec === null || typeof spec !== "object" || spec.kind !== "ssh" || typeof spec.machineId !== "string") return undefined;
  return XCPNG_MACHINE.exec(spec.machineId)?.[1];
}

/** True when the provider settings hold a complete XAPI connection (url, user, password). */
export function xapiConfigured(): boolean {
  const { xapiUrl, xapiUsername, xapiPassword } = settings();
  return Boolean(xapiUrl && xapiUsername && xapiPassword);
}

/**
 * Asks XAPI for the power state of the VM behind `target`; undefined when the target is no
 * XcpngLuaVM or no XAPI connection is configured (then there is nothing to ask).
 * @param deadlineMs deadline of each XAPI call
 * @throws the XAPI error (with the VM uuid) when the pool cannot answer
 */
export async function vmPowerOf(target: unknown, deadlineMs: number, signal?: AbortSignal): Promise<VmPowerReport | undefined> {
  const vmUuid = xcpngVmUuid(target);
  if (vmUuid === undefined || !xapiConfigured()) return undefined;
  const options = { deadlineMs, ...(signal ? { signal } : {}) };
  return withXapi(undefined, async (client, url) => {
    try {
      const ref = (await client.callWith(options, "VM.get_by_uuid", vmUuid)) as string;
      const power = (await client.callWith(options, "VM.get_power_state", ref)) as string;
      return { vmUuid, powerState: String(power).toLowerCase() };
    } catch (error) {
      if (isGone(error)) return { vmUuid, powerState: "gone" };
      throw new Error(`asking XAPI ${url} for the power state of VM ${vmUuid} failed: ${(error as Error).message}`, { cause: error });
    }
  });
}
