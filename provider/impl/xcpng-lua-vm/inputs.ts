/**
 * XcpngLuaVM inputs: their normalized shape and `check` — every input validated with a precise
 * message, defaults applied so the state is normalized. Pure: no network; unknowns pass.
 */
import { hasControlCharacter } from "../../../sdk/base/printable";
import { assertInterpreterName } from "../../../sdk/lua/interpreter";
import { parseCidr } from "../../../sdk/xapi/recipes/guest-addresses";
import { checkConnectionInput, checkTimeouts, printableFailures } from "../../runtime/checks";
import type { ConnectionInput } from "../../runtime/connections";
import { compact, failure, isUnknown, normalizeTags, reveal, shown, type CheckFailure } from "../../runtime/inputs";
import { OWNER_INPUT, ownerProblem } from "../../runtime/owner";
import { hostKeyFingerprintFailures, privateKeyFailures, sshUserFailures } from "../../runtime/ssh-target";
import { cloudInitFailures, type CloudInitInput } from "./cloud-init";
import { XCPNG_PHASE_KEYS } from "./phase-timeouts";
import { DISKS_LIVE_INPUT_KEYS, DISKS_LIVE_OUTPUT_KEYS, disksLiveFailures, normalizeDisks, type XcpngDisksLiveInputs } from "./disks-live";
import { PLACEMENT_INPUT_KEYS, PLACEMENT_OUTPUT_KEYS, placementFailures } from "./placement";

/** Normalized inputs as stored in the state (outputs hold them too). */
export interface XcpngLuaVmInputs extends XcpngDisksLiveInputs {
  connection?: ConnectionInput;
  template?: string;
  cloneMode: "clone" | "copy";
  sr?: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  diskGiB?: number;
  networks: Array<{ network: string; expectedCidr?: string }>;
  ssh: { user?: string; port?: number; privateKey?: string; hostKeyFingerprint?: string };
  luaInterpreter?: string;
  tags: string[];
  powerState: "running" | "halted";
  allowRestart: boolean;
  timeouts?: { create?: number; ready?: number; delete?: number } & { [K in (typeof XCPNG_PHASE_KEYS)[number]]?: number };
  adopt?: string;
  cloudInit?: CloudInitInput;
  /** host name_label or uuid (VM.affinity) */
  affinityHost?: string;
  [OWNER_INPUT]: string;
}

/** Defaults applied by check. */
export const XCPNG_LUA_VM_DEFAULTS = { cloneMode: "clone", vcpus: 1, memoryMiB: 1024, powerState: "running", allowRestart: false } as const;
/** The timeouts this resource has (seconds). */
export const XCPNG_TIMEOUT_KEYS = ["create", "ready", "delete", ...XCPNG_PHASE_KEYS] as const;
/** Output keys the resource class passes as undefined placeholders. */
export const XCPNG_OUTPUT_KEYS = ["vmUuid", "ipAddress", "addresses", "hostKeyFingerprint", "luaVersion", "luaLanguageVersion", "luaCommand", "sshTarget", "adopted", "rootDiskGiB", "rootDiskResizeOnline", "configDriveVdiUuid", "cloudInitHostKey", ...DISKS_LIVE_OUTPUT_KEYS, ...PLACEMENT_OUTPUT_KEYS] as const;

const INPUT_KEYS = ["connection", "template", "cloneMode", "sr", "name", "vcpus", "memoryMiB", "diskGiB", "networks", "ssh", "luaInterpreter", "tags", "powerState", "allowRestart", "timeouts", "adopt", "cloudInit", ...DISKS_LIVE_INPUT_KEYS, ...PLACEMENT_INPUT_KEYS, OWNER_INPUT, "__provider"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NICS = 7;

/** The dynamic provider's check for XcpngLuaVM. */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const failures = xcpngFailures(news);
  return { inputs: failures.length > 0 ? news : normalizeXcpngInputs(news), failures };
}

/** Applies defaults and normal forms (tags sorted and unique); unknown values stay as they are. */
export function normalizeXcpngInputs(news: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...news };
  for (const key of XCPNG_OUTPUT_KEYS) if (out[key] === undefined) delete out[key];
  for (const [key, value] of Object.entries(XCPNG_LUA_VM_DEFAULTS)) if (out[key] === undefined) out[key] = value;
  out.tags = normalizeTags(news.tags);
  if (!isUnknown(news.networks) && Array.isArray(news.networks)) out.networks = news.networks.map((n) => (isUnknown(n) ? n : compact({ ...(n as object) })));
  if (news.ssh !== undefined && !isUnknown(news.ssh)) out.ssh = compact({ ...(reveal<object>(news.ssh) ?? {}) });
  else if (news.ssh === undefined) out.ssh = {};
  if (news.disks !== undefined) out.disks = normalizeDisks(news.disks);
  return compact(out);
}

/** Every check failure of the raw inputs. */
export function xcpngFailures(news: Record<string, unknown>): CheckFailure[] {
  const f: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!INPUT_KEYS.includes(key) && !((XCPNG_OUTPUT_KEYS as readonly string[]).includes(key) && news[key] === undefined)) {
      f.push(failure(key, `is not an input of XcpngLuaVM (inputs: ${INPUT_KEYS.filter((k) => !k.startsWith("__")).join(", ")})`));
    }
  }
  const owner = ownerProblem(news[OWNER_INPUT]);
  if (owner && !isUnknown(news[OWNER_INPUT])) f.push(failure(OWNER_INPUT, owner));
  f.push(...checkConnectionInput("connection", news.connection));
  const known = (key: string) => news[key] !== undefined && !isUnknown(news[key]);
  if (news.adopt === undefined && news.template === undefined) f.push(failure("template", "is required (a template name or uuid) unless adopt gives an existing VM's uuid"));
  if (known("template") && (typeof news.template !== "string" || news.template.trim() === "")) f.push(failure("template", `must be a template name or uuid, got ${shown(news.template)}`));
  else f.push(...printableFailures("template", news.template));
  if (known("adopt") && (typeof news.adopt !== "string" || !UUID.test(news.adopt))) f.push(failure("adopt", `must be the uuid of an existing VM, got ${shown(news.adopt)}`));
  if (known("cloneMode") && news.cloneMode !== "clone" && news.cloneMode !== "copy") f.push(failure("cloneMode", `must be "clone" (fast, copy-on-write) or "copy" (full copy to sr), got ${shown(news.cloneMode)}`));
  if (known("sr") && (typeof news.sr !== "string" || news.sr.trim() === "")) f.push(failure("sr", `must be an SR name or uuid, got ${shown(news.sr)}`));
  else f.push(...printableFailures("sr", news.sr));
  if (news.name === undefined) f.push(failure("name", "is required (the resource class defaults it to the resource name)"));
  else if (known("name") && (typeof news.name !== "string" || news.name.length === 0 || news.name.length > 255 || hasControlCharacter(news.name))) {
    f.push(failure("name", `must be 1–255 printable characters, got ${shown(news.name)}`));
  }
  f.push(...integerIn("vcpus", news.vcpus, 1, 64));
  f.push(...integerIn("memoryMiB", news.memoryMiB, 128, 1_048_576));
  if (known("diskGiB") && (typeof news.diskGiB !== "number" || !(news.diskGiB > 0) || news.diskGiB > 65_536)) f.push(failure("diskGiB", `must be a number of GiB > 0 and ≤ 65536, got ${shown(news.diskGiB)}`));
  f.push(...checkNetworks(news.networks));
  f.push(...checkSsh(news.ssh, known("adopt")));
  if (known("luaInterpreter")) {
    try {
      if (typeof news.luaInterpreter !== "string") throw new Error(`must be a command name or path, got ${shown(news.luaInterpreter)}`);
      assertInterpreterName(news.luaInterpreter);
    } catch (error) {
      f.push(failure("luaInterpreter", (error as Error).message));
    }
  }
  f.push(...checkTags(news.tags));
  if (known("powerState") && news.powerState !== "running" && news.powerState !== "halted") f.push(failure("powerState", `must be "running" or "halted", got ${shown(news.powerState)}`));
  if (known("allowRestart") && typeof news.allowRestart !== "boolean") f.push(failure("allowRestart", `must be true or false, got ${shown(news.allowRestart)}`));
  f.push(...checkTimeouts("timeouts", news.timeouts, XCPNG_TIMEOUT_KEYS));
  if (known("cloudInit") && known("adopt")) f.push(failure("cloudInit", "cannot be given with adopt: cloud-init runs once per instance, at its first boot"));
  f.push(...cloudInitFailures(news.cloudInit, typeof reveal<Record<string, unknown> | undefined>(news.ssh)?.hostKeyFingerprint === "string"));
  f.push(...disksLiveFailures(news), ...placementFailures(news));
  return f;
}

function integerIn(property: string, value: unknown, min: number, max: number): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return [];
  return [failure(property, `must be an integer ≥ ${min} and ≤ ${max}, got ${shown(value)}`)];
}

function checkNetworks(value: unknown): CheckFailure[] {
  if (isUnknown(value) && !Array.isArray(value)) return [];
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_NICS) {
    return [failure("networks", `must list 1 to ${MAX_NICS} networks ({ network: "<name or uuid>", expectedCidr? }); device 0 carries SSH, got ${shown(value)}`)];
  }
  const f: CheckFailure[] = [];
  value.forEach((nic, i) => {
    const at = `networks[${i}]`;
    if (isUnknown(nic)) return;
    if (nic === null || typeof nic !== "object" || Array.isArray(nic)) return void f.push(failure(at, `must be { network, expectedCidr? }, got ${shown(nic)}`));
    const n = nic as Record<string, unknown>;
    for (const key of Object.keys(n)) if (key !== "network" && key !== "expectedCidr") f.push(failure(`${at}.${key}`, "is not a network field (network, expectedCidr)"));
    if (!isUnknown(n.network) && (typeof n.network !== "string" || n.network.trim() === "")) f.push(failure(`${at}.network`, `must be a network name or uuid, got ${shown(n.network)}`));
    else f.push(...printableFailures(`${at}.network`, n.network));
    if (n.expectedCidr !== undefined && !isUnknown(n.expectedCidr)) {
      try {
        if (typeof n.expectedCidr !== "string") throw new Error("not a string");
        parseCidr(n.expectedCidr);
      } catch {
        f.push(failure(`${at}.expectedCidr`, `must be a CIDR such as "10.0.0.0/24", got ${shown(n.expectedCidr)}`));
      }
    }
  });
  return f;
}

function checkSsh(value: unknown, adopting: boolean): CheckFailure[] {
  if (isUnknown(value) && (typeof value === "string")) return [];
  if (value === undefined) return adopting ? [failure("ssh.hostKeyFingerprint", "is required with adopt: an adopted VM's host key cannot be trusted on first use")] : [];
  const ssh = reveal<Record<string, unknown>>(value);
  if (ssh === null || typeof ssh !== "object" || Array.isArray(ssh)) return [failure("ssh", `must be { user?, port?, privateKey?, hostKeyFingerprint? }, got ${shown(typeof ssh)}`)];
  const f: CheckFailure[] = [];
  for (const key of Object.keys(ssh)) if (!["user", "port", "privateKey", "hostKeyFingerprint"].includes(key)) f.push(failure(`ssh.${key}`, "is not an ssh field (user, port, privateKey, hostKeyFingerprint)"));
  const known = (key: string) => ssh[key] !== undefined && !isUnknown(ssh[key]);
  if (known("user")) f.push(...sshUserFailures("ssh.user", ssh.user));
  f.push(...integerIn("ssh.port", ssh.port, 1, 65535));
  if (known("privateKey")) f.push(...privateKeyFailures("ssh.privateKey", ssh.privateKey));
  if (known("hostKeyFingerprint")) f.push(...hostKeyFingerprintFailures("ssh.hostKeyFingerprint", ssh.hostKeyFingerprint));
  if (adopting && ssh.hostKeyFingerprint === undefined) f.push(failure("ssh.hostKeyFingerprint", "is required with adopt: an adopted VM's host key cannot be trusted on first use"));
  return f;
}

function checkTags(value: unknown): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  if (!Array.isArray(value)) return [failure("tags", `must be a list of strings, got ${shown(value)}`)];
  return value.flatMap((tag, i) =>
    isUnknown(tag) || (typeof tag === "string" && tag.trim() !== "" && tag.length <= 255) ? printableFailures(`tags[${i}]`, tag) : [failure(`tags[${i}]`, `must be a non-empty string of at most 255 characters, got ${shown(tag)}`)],
  );
}
