/**
 * Where the acceptance suite runs: a real XCP-ng pool named by BIOXEN_ACCEPTANCE_* environment
 * variables, or — when none is set — the simulator with real sshd guests and a local rocks
 * server, so CI runs the very same scenarios every time.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { startRocksServer } from "../../scripts/support/rocks-server";
import { SEEDED, TEMPLATES } from "../../sim";
import { ROCK_FIXTURES_DIR } from "../support/rocks-server";
import { startTestSim, type SshGuestLogin, type TestSim } from "../support/sim";

/** The environment variables that select a real pool (all start with this prefix). */
export const ENV_PREFIX = "BIOXEN_ACCEPTANCE_";

/** The rock the FASTA scenario installs; a real pool's rocks server must serve it (scripts/support/pack-rocks.ts packs it). */
export const WORKLOAD_ROCK = "bioxen-seq";
/** Its source, for the local reference run and for the simulator's rocks server. */
export const WORKLOAD_ROCK_DIR = resolve(__dirname, "../../examples/rocks/bioxen-seq");
/** The rock the lifecycle scenario moves between two versions. */
export const VERSIONED_ROCK = { name: "alpha", from: "1.0", to: "2.0" } as const;

/** A pool to run the scenarios against. */
export interface AcceptanceTarget {
  kind: "simulator" | "pool";
  xapi: { url: string; username: string; password: string; tlsFingerprint?: string; caFile?: string };
  /** Template every VM is cloned from. */
  template: string;
  /** Network the VMs' first NIC (SSH) is on. */
  network: string;
  /** SR for the VMs' disks (default: the pool's). */
  sr?: string;
  ssh: { user: string; privateKey: string; port?: number };
  /** A LuaRocks server the VMs and this machine can reach, serving `alpha` 1.0 and 2.0 and `bioxen-seq`. */
  rocksServer: string;
  /** The simulator behind a "simulator" target (for its object counts). */
  sim?: TestSim["sim"];
  stop(): Promise<void>;
}

const REQUIRED = ["XAPI_URL", "XAPI_USERNAME", "XAPI_PASSWORD", "TEMPLATE", "NETWORK", "SSH_USER", "SSH_PRIVATE_KEY_FILE", "ROCKS_SERVER"] as const;
const OPTIONAL = ["TLS_FINGERPRINT", "CA_FILE", "SR", "SSH_PORT"] as const;

/** The BIOXEN_ACCEPTANCE_* variables that are set, by suffix. */
function acceptanceEnv(env: NodeJS.ProcessEnv): Map<string, string> {
  const set = new Map<string, string>();
  for (const suffix of [...REQUIRED, ...OPTIONAL]) {
    const value = env[ENV_PREFIX + suffix];
    if (value !== undefined && value !== "") set.set(suffix, value);
  }
  return set;
}

/**
 * The pool named by the environment, or undefined when no BIOXEN_ACCEPTANCE_* variable is set.
 * Some but not all required ones is an error naming the missing ones, before anything is called.
 */
export function poolFromEnv(env: NodeJS.ProcessEnv = process.env): AcceptanceTarget | undefined {
  const set = acceptanceEnv(env);
  if (set.size === 0) return undefined;
  const missing = REQUIRED.filter((suffix) => !set.has(suffix));
  if (missing.length > 0) throw new Error(`acceptance: set ${missing.map((s) => ENV_PREFIX + s).join(", ")} as well (or none of ${ENV_PREFIX}* to run on the simulator)`);
  if (new URL(set.get("XAPI_URL")!).protocol === "https:" && !set.has("TLS_FINGERPRINT") && !set.has("CA_FILE")) {
    throw new Error(`acceptance: an https pool needs ${ENV_PREFIX}TLS_FINGERPRINT (SHA-256 of its certificate) or ${ENV_PREFIX}CA_FILE; TLS is never switched off`);
  }
  const keyFile = set.get("SSH_PRIVATE_KEY_FILE")!;
  const port = set.has("SSH_PORT") ? Number(set.get("SSH_PORT")) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`acceptance: ${ENV_PREFIX}SSH_PORT must be a TCP port, got ${JSON.stringify(set.get("SSH_PORT"))}`);
  return {
    kind: "pool",
    xapi: {
      url: set.get("XAPI_URL")!,
      username: set.get("XAPI_USERNAME")!,
      password: set.get("XAPI_PASSWORD")!,
      ...(set.has("TLS_FINGERPRINT") ? { tlsFingerprint: set.get("TLS_FINGERPRINT")! } : {}),
      ...(set.has("CA_FILE") ? { caFile: set.get("CA_FILE")! } : {}),
    },
    template: set.get("TEMPLATE")!,
    network: set.get("NETWORK")!,
    ...(set.has("SR") ? { sr: set.get("SR")! } : {}),
    ssh: { user: set.get("SSH_USER")!, privateKey: readKey(keyFile), ...(port ? { port } : {}) },
    rocksServer: set.get("ROCKS_SERVER")!,
    stop: async () => undefined,
  };
}

function readKey(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`acceptance: cannot read ${ENV_PREFIX}SSH_PRIVATE_KEY_FILE ${file}: ${(error as Error).message}`);
  }
}

/** Starts the simulator (real sshd guests on `addressBase`) and a rocks server with the scenarios' rocks. */
export async function simulatorTarget(addressBase: string, password: string): Promise<AcceptanceTarget> {
  const rockDirs = ["alpha-1.0-1", "alpha-2.0-1"].map((dir) => resolve(ROCK_FIXTURES_DIR, dir));
  const [env, rocks] = await Promise.all([
    startTestSim({ password }, { sshGuests: { addressBase } }) as Promise<TestSim & SshGuestLogin>,
    startRocksServer([...rockDirs, WORKLOAD_ROCK_DIR]),
  ]);
  return {
    kind: "simulator",
    xapi: { url: env.sim.url, username: env.sim.username, password },
    template: TEMPLATES.cloneReady,
    network: SEEDED.managementNetwork,
    ssh: { user: env.user, privateKey: env.keys.private, port: env.sshPort },
    rocksServer: rocks.url,
    sim: env.sim,
    stop: async () => {
      await Promise.all([env.stop(), rocks.stop()]);
    },
  };
}
