/**
 * The identity of an XcpngLuaVM as a machine, whatever its address: `machineId` on its
 * `sshTarget`, `xcpng:<pool uuid>:<vm uuid>`. The pool is part of it so that a stack with VMs in
 * several pools (XcpngLuaVM `connection` inputs) can tell "not in the pool I asked" from "gone".
 * State written before the pool was recorded holds the old form `xcpng:<vm uuid>`; both parse.
 */
import type { XapiCallOptions, XapiClient } from "../../sdk/xapi";
import { readPoolUuid } from "../../sdk/xapi/recipes";

/** A parsed XCP-ng machineId; `poolUuid` is absent in the old form. */
export interface XcpngMachine {
  /** lower case */
  vmUuid: string;
  /** lower case; undefined for an old-form id (`xcpng:<vm uuid>`) */
  poolUuid?: string;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const XCPNG_MACHINE = new RegExp(`^xcpng:(?:(${UUID}):)?(${UUID})$`, "i");

/** The machineId of the VM `vmUuid` in the pool `poolUuid`: `xcpng:<pool uuid>:<vm uuid>`. */
export function xcpngMachineId(poolUuid: string, vmUuid: string): string {
  return `xcpng:${poolUuid}:${vmUuid}`;
}

/** Parses `xcpng:<pool uuid>:<vm uuid>` or the old `xcpng:<vm uuid>`; undefined for anything else. */
export function parseXcpngMachineId(machineId: unknown): XcpngMachine | undefined {
  if (typeof machineId !== "string") return undefined;
  const match = XCPNG_MACHINE.exec(machineId);
  if (!match) return undefined;
  const vmUuid = match[2]!.toLowerCase();
  return match[1] ? { vmUuid, poolUuid: match[1].toLowerCase() } : { vmUuid };
}

/**
 * Whether two machineIds name the same machine: two XCP-ng ids with the same VM uuid (old and
 * new form alike: VM uuids are unique across pools), else equal strings.
 */
export function sameMachineId(a: string, b: string): boolean {
  const [left, right] = [parseXcpngMachineId(a), parseXcpngMachineId(b)];
  if (left && right) return left.vmUuid === right.vmUuid;
  return a === b;
}

/**
 * The uuid of the pool `client` is logged in to (`pool.get_all` → `pool.get_uuid`).
 * @throws Error naming the pool URL when XAPI cannot answer or lists no pool
 */
export async function poolUuidOf(client: XapiClient, options: XapiCallOptions = {}): Promise<string> {
  try {
    return await readPoolUuid(client, options);
  } catch (error) {
    throw new Error(`reading the pool uuid from XAPI ${client.poolMasterUrl} failed: ${(error as Error).message}`, { cause: error });
  }
}
