/**
 * What a simulated cloud-init guest finds on an attached NoCloud drive, read with Debian's real
 * FAT tools (util-linux `blkid`, mtools `mdir`/`mcopy`) rather than the code that wrote it. A
 * drive cloud-init would not use yields `{ ok: false, reason }`: the guest then boots without it.
 * Reasons never quote file contents (user-data may hold a private host key).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

/** The parts of a NoCloud seed the simulated guest applies. */
export interface NoCloudSeed {
  /** meta-data `instance-id`. */
  instanceId: string;
  /** cloud-config `hostname`, else meta-data `local-hostname`. */
  hostname?: string;
  /** Users named in cloud-config `users` with their `ssh_authorized_keys`; top-level keys go to `root`. */
  users: Array<{ name: string; authorizedKeys: string[] }>;
  /** cloud-config `ssh_keys` host key pairs by type (`ed25519`: { private, public }). */
  hostKeys: Record<string, { private: string; public?: string }>;
  /** The raw documents. */
  files: { userData: string; metaData: string; networkConfig?: string };
}

/** The outcome of reading a drive. */
export type NoCloudRead = { ok: true; seed: NoCloudSeed } | { ok: false; reason: string };

/** How long each tool may run. */
const TOOL_TIMEOUT_MS = 20_000;

/** Reads a raw drive image (a VDI's content) the way cloud-init's NoCloud source would find it. */
export async function readNoCloudSeed(image: Buffer, signal?: AbortSignal): Promise<NoCloudRead> {
  const dir = await mkdtemp(join(tmpdir(), "bioxen-sim-nocloud-"));
  try {
    const path = join(dir, "drive.img");
    await writeFile(path, image);
    const probe = await tool(["blkid", "-p", "-o", "export", path], signal);
    const fields = Object.fromEntries(probe.stdout.split("\n").filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2)));
    if (probe.code !== 0 || fields.TYPE !== "vfat") return { ok: false, reason: "no vfat file system on the drive" };
    if (fields.LABEL !== "cidata" && fields.LABEL !== "CIDATA") return { ok: false, reason: `the drive's label is "${fields.LABEL ?? ""}", not cidata` };
    const listing = await tool(["mdir", "-b", "-i", path, "::/"], signal);
    if (listing.code !== 0) return { ok: false, reason: "the drive's root directory cannot be read" };
    const names = listing.stdout.split("\n").filter(Boolean).map((line) => line.replace(/^::\//, ""));
    for (const required of ["meta-data", "user-data"]) {
      if (!names.includes(required)) return { ok: false, reason: `the drive has no ${required}` };
    }
    const read = async (name: string) => (await tool(["mcopy", "-n", "-i", path, `::/${name}`, "-"], signal)).stdout;
    const files = { metaData: await read("meta-data"), userData: await read("user-data"), networkConfig: names.includes("network-config") ? await read("network-config") : undefined };
    return interpret(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function interpret(files: NoCloudSeed["files"]): NoCloudRead {
  const meta = yamlMapping(files.metaData);
  if (!meta || typeof meta["instance-id"] !== "string") return { ok: false, reason: "meta-data is not a YAML mapping with an instance-id" };
  const seed: NoCloudSeed = { instanceId: meta["instance-id"], hostname: stringOr(meta["local-hostname"]), users: [], hostKeys: {}, files };
  if (!files.userData.startsWith("#cloud-config")) return { ok: true, seed };
  const config = yamlMapping(files.userData);
  if (!config) return { ok: false, reason: "user-data is a #cloud-config document that is not a YAML mapping" };
  seed.hostname = stringOr(config.hostname) ?? seed.hostname;
  for (const user of Array.isArray(config.users) ? config.users : []) {
    if (user && typeof user === "object" && typeof user.name === "string") seed.users.push({ name: user.name, authorizedKeys: stringsOf(user.ssh_authorized_keys) });
  }
  if (config.ssh_authorized_keys !== undefined) seed.users.push({ name: "root", authorizedKeys: stringsOf(config.ssh_authorized_keys) });
  const keys = config.ssh_keys && typeof config.ssh_keys === "object" ? (config.ssh_keys as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(keys)) {
    const match = /^(\w+)_private$/.exec(key);
    if (match && typeof value === "string") seed.hostKeys[match[1]] = { private: value, public: stringOr(keys[`${match[1]}_public`]) };
  }
  return { ok: true, seed };
}

function yamlMapping(text: string): Record<string, any> | undefined {
  try {
    const value = parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function tool(argv: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: TOOL_TIMEOUT_MS, signal, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: "C.UTF-8" } }, (error, stdout) => {
      if (error && typeof error.code !== "number") return reject(new Error(`${argv[0]} could not run: ${error.message} (install ${argv[0] === "blkid" ? "util-linux" : "mtools"})`));
      resolve({ code: error ? Number(error.code) : 0, stdout });
    });
  });
}
