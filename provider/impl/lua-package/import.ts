/**
 * LuaPackage and `pulumi import <type> <name> <id>`: read given the id alone. The id is the one a
 * create records — `local:<tree>/<rock>` or `ssh://<user>@<host>:<port>:<tree>/<rock>` — with
 * options after `#` (see parseImportId): an SSH id needs the host key pin the state would hold
 * (a host key is never trusted on first use); the private key is `bioxen:sshPrivateKey`. The
 * read answers with the id without the options. An imported rock was installed by someone else: a destroy (or
 * removing it from the program) forgets it and leaves it installed; updates change it as asked.
 */
import { log } from "@pulumi/pulumi";
import type * as pulumi from "@pulumi/pulumi";
import { RockInputError, validateLuaVersion, validateRockName, validateTreePath, type LuaVersion } from "../../../sdk/rocks";
import { normaliseFingerprint } from "../../../sdk/ssh/fingerprint";
import { IMPORTED_OUTPUT, wasImported, withoutImportGaps } from "../../runtime/imported";
import type { LuaPackageInputs } from "./inputs";
import { outputsOf } from "./outputs";
import { rocksFor } from "./rocks";

/** Inputs an import cannot read off the tree: where rocks come from, deadlines, the Lua version asked for. */
const UNKNOWABLE_INPUTS = ["servers", "timeouts", "luaVersion"];

const LOCAL_ID = /^local:(\/.*)\/([^/]+)$/;
const SSH_ID = /^ssh:\/\/([^@/]+)@(.+?):(\d+):(\/.*)\/([^/]+)$/;
const FORMS = `"local:<tree>/<rock>[#lua=5.4]" or "ssh://<user>@<host>:<port>:<tree>/<rock>#hostKey=SHA256:…[&lua=5.4]"`;

/** True when read is given no state but the id (the engine's import). */
export function isPackageImportRead(props: Record<string, unknown>): boolean {
  return props.target === undefined;
}

/**
 * The inputs an import id names, and the canonical id (the part before `#`, as a create records it).
 * After `#`, `&`-separated options: `hostKey=SHA256:…` (required for SSH), `lua=<version>` (the
 * Lua version whose rocks the tree holds; default luarocks' own).
 * @throws Error naming the expected forms when the id is not one of them
 */
export function parseImportId(importId: string): { id: string; inputs: LuaPackageInputs } {
  const [id, fragment] = splitOnce(importId, "#");
  const options = new Map((fragment ?? "").split("&").filter(Boolean).map((pair) => splitOnce(pair, "=") as [string, string | undefined]));
  for (const key of options.keys()) if (key !== "hostKey" && key !== "lua") throw new Error(`LuaPackage import id ${JSON.stringify(importId)}: unknown option ${JSON.stringify(key)}; the forms are ${FORMS}`);
  const lua = options.get("lua");
  const luaVersion = lua === undefined ? {} : { luaVersion: checked(importId, lua, validateLuaVersion) as LuaVersion };
  const local = LOCAL_ID.exec(id);
  if (local) return { id, inputs: { target: { kind: "local" }, name: checked(importId, local[2]!, validateRockName), tree: { path: checked(importId, local[1]!, validateTreePath) }, ...luaVersion } };
  const ssh = SSH_ID.exec(id);
  if (!ssh) throw new Error(`LuaPackage import id ${JSON.stringify(importId)} is not ${FORMS}`);
  const [, username, host, port, tree, name] = ssh;
  const pin = options.get("hostKey");
  const fingerprint = pin === undefined ? undefined : normaliseFingerprint(pin);
  if (!fingerprint) throw new Error(`LuaPackage import id ${JSON.stringify(importId)}: append the host's key pin as "#hostKey=SHA256:…" (ssh-keygen -lf on its host key); a host key is never trusted on first use`);
  return {
    id,
    inputs: {
      target: { kind: "ssh", host: host!, port: Number(port), username: username!, hostKeyFingerprint: fingerprint },
      name: checked(importId, name!, validateRockName),
      tree: { path: checked(importId, tree!, validateTreePath) },
      ...luaVersion,
    },
  };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function checked(id: string, value: string, validate: (value: unknown) => string): string {
  try {
    return validate(value);
  } catch (error) {
    if (error instanceof RockInputError) throw new Error(`LuaPackage import id ${JSON.stringify(id)}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** read with the id alone: the rock as installed, marked imported; no id when it is not installed. */
export async function readImported(importId: string): Promise<pulumi.dynamic.ReadResult> {
  const { id, inputs } = parseImportId(importId);
  const rocks = rocksFor(inputs, "read");
  const installed = await rocks.installed(inputs.name);
  if (installed === undefined) return {};
  const raw = inputs as unknown as Record<string, unknown>;
  return { id, props: { ...outputsOf(raw, installed, await rocks.treeRoot()), [IMPORTED_OUTPUT]: true }, inputs: raw };
}

/** The diff's changed keys for an imported state: inputs the import could not know are no change. */
export function importedChanges(olds: Record<string, unknown>, keys: readonly string[]): string[] {
  return withoutImportGaps(olds, keys, UNKNOWABLE_INPUTS);
}

/** True (and logged) when delete must leave the rock installed: it was imported. */
export async function keptOnDelete(props: Record<string, unknown>): Promise<boolean> {
  if (!wasImported(props)) return false;
  await log.info(`LuaPackage ${String(props.name)}: imported rock, not installed by bioxen-luavm; it is forgotten and stays installed`);
  return true;
}
