/**
 * VmNetwork inputs: their normalized shape (after check) with defaults and limits, and `check`,
 * which validates every input with a precise message and applies the defaults, so the state is
 * normalized. Pure: no network call; unknown values (preview) pass unchanged.
 */
import { hasControlCharacter } from "../../../sdk/base/printable";
import type * as pulumi from "@pulumi/pulumi";
import type { AttachSpec, VlanSpec } from "../../../sdk/vm/network";
import { parseCidr } from "../../../sdk/xapi/recipes/guest-addresses";
import { checkConnectionInput, checkTimeouts, printableFailures } from "../../runtime/checks";
import { compact, failure, isUnknown, reveal, shown, type CheckFailure } from "../../runtime/inputs";
import { OWNER_INPUT, ownerProblem } from "../../runtime/owner";

/** Per-operation limits in seconds (Pulumi's customTimeouts never reach dynamic providers). */
export interface VmNetworkTimeouts {
  /** Whole create or update, seconds. */
  create?: number;
  /** Waiting for each running VM's address on the network, seconds. */
  ready?: number;
  /** Whole delete, seconds. */
  delete?: number;
}

/** Normalized inputs (what check returns; defaults applied). */
export interface VmNetworkInputs {
  /** Per-resource XAPI connection (shape owned by provider/runtime/connections). */
  connection?: Record<string, unknown>;
  name: string;
  description: string;
  mtu: number;
  vlan?: VlanSpec;
  attach: AttachSpec[];
  timeouts?: VmNetworkTimeouts;
  /** The ownership identity (provider/runtime/owner). */
  __owner: string;
  /** The resource instance (`bioxen:instance` of its network's and VIFs' markers); absent in state written by 0.1.0. */
  __instance?: string;
}

/** Defaults and limits of the inputs. */
export const VM_NETWORK_DEFAULTS = {
  mtu: 1500,
  createSeconds: 600,
  readySeconds: 180,
  deleteSeconds: 300,
} as const;

/** Accepted MTU range (68 is IPv4's minimum; 9216 the largest jumbo frame switches carry). */
export const MTU_RANGE = { min: 68, max: 9216 } as const;

/** Output keys the provider computes (not inputs); the resource class passes them as `undefined` placeholders. */
export const COMPUTED_KEYS = ["networkUuid", "bridge", "attachments"] as const;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Linux interface names: at most 15 characters, no slash or whitespace. */
const DEVICE_PATTERN = /^[A-Za-z0-9_.:-]{1,15}$/;
const KNOWN_INPUTS = ["connection", "name", "description", "mtu", "vlan", "attach", "timeouts", OWNER_INPUT, "__provider"];

/** The timeouts this resource has. */
export const VM_NETWORK_TIMEOUT_KEYS = ["create", "ready", "delete"] as const;

/** Runs every input check; returns the failures (empty when valid). */
export function vmNetworkFailures(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!KNOWN_INPUTS.includes(key) && !((COMPUTED_KEYS as readonly string[]).includes(key) && news[key] === undefined)) {
      failures.push(failure(key, `is not an input of VmNetwork (inputs: ${KNOWN_INPUTS.slice(0, 7).join(", ")})`));
    }
  }
  const owner = ownerProblem(news[OWNER_INPUT]);
  if (owner && !isUnknown(news[OWNER_INPUT])) failures.push(failure(OWNER_INPUT, owner));
  failures.push(...checkConnectionInput("connection", news.connection));
  failures.push(...checkName(news.name));
  failures.push(...checkDescription(news.description));
  failures.push(...checkMtu(news.mtu));
  failures.push(...checkVlan(news.vlan));
  failures.push(...checkAttach(news.attach));
  failures.push(...checkTimeouts("timeouts", news.timeouts, VM_NETWORK_TIMEOUT_KEYS));
  return failures;
}

/**
 * The provider's check: failures, or the normalized inputs (defaults: description "", mtu 1500,
 * attach []). Secret envelopes are kept as they came, so secret inputs stay secret.
 */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const failures = vmNetworkFailures(news);
  if (failures.length > 0) return { failures };
  const inputs: Record<string, unknown> = compact({
    ...news,
    description: news.description ?? "",
    mtu: news.mtu ?? VM_NETWORK_DEFAULTS.mtu,
    attach: normalizeAttach(news.attach),
  });
  for (const key of COMPUTED_KEYS) delete inputs[key];
  return { inputs };
}

/** `attach` with defaults: missing → [], each entry without undefined fields. */
function normalizeAttach(value: unknown): unknown {
  if (value === undefined) return [];
  if (isUnknown(value) && !Array.isArray(value)) return value;
  return (reveal<unknown[]>(value) ?? []).map((entry) => (entry !== null && typeof entry === "object" ? compact(entry as Record<string, unknown>) : entry));
}

function checkName(value: unknown): CheckFailure[] {
  if (isUnknown(value)) return [];
  const name = reveal(value);
  if (typeof name !== "string" || name.trim() === "") return [failure("name", `must be a non-empty string, got ${shown(name)}`)];
  if (name.length > 255 || hasControlCharacter(name)) return [failure("name", `must be printable and at most 255 characters, got ${shown(name)}`)];
  return [];
}

function checkDescription(value: unknown): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  const text = reveal(value);
  if (typeof text !== "string" || text.length > 1024) return [failure("description", `must be a string of at most 1024 characters, got ${shown(text)}`)];
  return printableFailures("description", text);
}

function checkMtu(value: unknown): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  const mtu = reveal(value);
  if (typeof mtu !== "number" || !Number.isInteger(mtu) || mtu < MTU_RANGE.min || mtu > MTU_RANGE.max) {
    return [failure("mtu", `must be an integer from ${MTU_RANGE.min} to ${MTU_RANGE.max}, got ${shown(mtu)}`)];
  }
  return [];
}

function checkVlan(value: unknown): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  const vlan = reveal<Record<string, unknown>>(value);
  if (vlan === null || typeof vlan !== "object" || Array.isArray(vlan)) return [failure("vlan", `must be an object { pifDevice, tag }, got ${shown(vlan)}`)];
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(vlan)) {
    if (key !== "pifDevice" && key !== "tag") failures.push(failure(`vlan.${key}`, "is not a VLAN field (pifDevice, tag)"));
  }
  if (!isUnknown(vlan.pifDevice) && (typeof vlan.pifDevice !== "string" || !DEVICE_PATTERN.test(vlan.pifDevice))) {
    failures.push(failure("vlan.pifDevice", `must be a PIF device name such as "eth0" (1–15 of A–Z a–z 0–9 _ . : -), got ${shown(vlan.pifDevice)}`));
  }
  if (!isUnknown(vlan.tag) && (typeof vlan.tag !== "number" || !Number.isInteger(vlan.tag) || vlan.tag < 0 || vlan.tag > 4094)) {
    failures.push(failure("vlan.tag", `must be an integer from 0 to 4094, got ${shown(vlan.tag)}`));
  }
  return failures;
}

function checkAttach(value: unknown): CheckFailure[] {
  if (value === undefined || (isUnknown(value) && !Array.isArray(value))) return [];
  const list = reveal(value);
  if (!Array.isArray(list)) return [failure("attach", `must be a list of { vmUuid, expectedCidr? }, got ${shown(list)}`)];
  const failures: CheckFailure[] = [];
  const seen = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    const at = `attach[${index}]`;
    if (isUnknown(entry) && !(entry !== null && typeof entry === "object")) return;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      failures.push(failure(at, `must be an object { vmUuid, expectedCidr? }, got ${shown(entry)}`));
      return;
    }
    const { vmUuid, expectedCidr, ...rest } = entry as Record<string, unknown>;
    for (const key of Object.keys(rest)) failures.push(failure(`${at}.${key}`, "is not an attach field (vmUuid, expectedCidr)"));
    if (!isUnknown(vmUuid)) {
      if (typeof vmUuid !== "string" || !UUID_PATTERN.test(vmUuid)) {
        failures.push(failure(`${at}.vmUuid`, `must be a VM uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got ${shown(vmUuid)}`));
      } else {
        const earlier = seen.get(vmUuid.toLowerCase());
        if (earlier !== undefined) failures.push(failure(`${at}.vmUuid`, `attaches VM ${vmUuid} a second time (already attach[${earlier}]); a VM gets one VIF per network`));
        else seen.set(vmUuid.toLowerCase(), index);
      }
    }
    if (expectedCidr !== undefined && !isUnknown(expectedCidr)) {
      try {
        if (typeof expectedCidr !== "string") throw new Error("not a string");
        parseCidr(expectedCidr);
      } catch {
        failures.push(failure(`${at}.expectedCidr`, `must be a CIDR such as "192.168.1.0/24" or "fd00::/64", got ${shown(expectedCidr)}`));
      }
    }
  });
  return failures;
}
