import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { maskUrlCredentials } from "../../sdk/base";
import type { XcpngVmSpec } from "../../sdk/vm";
import { ownerMarkerKey } from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES, startSimulator, type Simulator } from "../../sim";
import { freePort } from "./free-port";

const run = promisify(execFile);

/** Where the demo runs its VM: the pool, template, network, guest login and rocks server address. */
export interface DemoPool {
  /** "simulator" (the embedded default) or "pool" (a real XCP-ng pool from the environment). */
  kind: "simulator" | "pool";
  /** One line saying which pool this is (no secrets). */
  summary: string;
  /** XAPI login for createVm (secret: holds the password; never print it). */
  connection: XcpngVmSpec["connection"];
  /** Template uuid or name_label to clone. */
  template: string;
  /** Network of the VM's first VIF (its SSH address). */
  network: string;
  /** Guest login (secret: holds the private key). */
  ssh: XcpngVmSpec["ssh"];
  /** Address this machine serves rocks on so that the VMs reach it. */
  rocksHost: string;
  /** The simulator, when this is one (tests inspect its objects). */
  simulator?: Simulator;
  /** Names of the VMs in the pool that carry an ownership marker (simulator only; undefined for a real pool). */
  markedVms(): string[] | undefined;
  /** Stops what {@link openDemoPool} started (the simulator, its guests, the key pair). */
  close(): Promise<void>;
}

/**
 * The environment variables that select a real pool instead of the simulator. URL, user and
 * password are required together; the rest have defaults (template `bioxen-lua-5.4`, the
 * management network, SSH user root, rocks served on 127.0.0.1).
 */
export const POOL_ENV = {
  url: "BIOXEN_XAPI_URL",
  username: "BIOXEN_XAPI_USERNAME",
  password: "BIOXEN_XAPI_PASSWORD",
  tlsFingerprint: "BIOXEN_XAPI_TLS_FINGERPRINT",
  caFile: "BIOXEN_XAPI_CA_FILE",
  sshUser: "BIOXEN_SSH_USER",
  sshPrivateKey: "BIOXEN_SSH_PRIVATE_KEY",
  sshPrivateKeyFile: "BIOXEN_SSH_PRIVATE_KEY_FILE",
  template: "BIOXEN_TEMPLATE",
  network: "BIOXEN_NETWORK",
  rocksHost: "BIOXEN_ROCKS_HOST",
} as const;

/** A real pool when `BIOXEN_XAPI_URL` is set, otherwise a fresh simulator with real sshd guests. */
export function openDemoPool(env: NodeJS.ProcessEnv = process.env): Promise<DemoPool> {
  return env[POOL_ENV.url] ? realPool(env) : simulatedPool();
}

async function simulatedPool(): Promise<DemoPool> {
  const keyDir = await mkdtemp(join(tmpdir(), "bioxen-demo-key-"));
  try {
    const keyFile = join(keyDir, "id_ed25519");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bioxen-demo", "-f", keyFile], { timeout: 30_000 });
    const [publicKey, privateKey, sshPort] = await Promise.all([readFile(`${keyFile}.pub`, "utf8"), readFile(keyFile, "utf8"), freePort()]);
    const sim = await startSimulator({
      slaveHost: false,
      latency: { scale: 0 },
      guest: { authorizedKeys: [publicKey.trim()], sshPort, bootDelayMs: 200, addressBase: "127.88" },
    });
    return {
      kind: "simulator",
      summary: `simulated XCP-ng pool at ${sim.url} (guests are real sshd processes on 127.88.x.y:${sshPort})`,
      connection: { url: sim.url, username: sim.username, password: sim.password },
      template: TEMPLATES.cloneReady,
      network: SEEDED.managementNetwork,
      ssh: { username: userInfo().username, privateKey, port: sshPort },
      rocksHost: "127.0.0.1",
      simulator: sim,
      markedVms: () => sim.objects("VM").filter((vm) => ownerMarkerKey in ((vm.record.other_config as Record<string, string>) ?? {})).map((vm) => String(vm.record.name_label)),
      close: async () => {
        await sim.stop();
        await rm(keyDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(keyDir, { recursive: true, force: true });
    throw new Error(`starting the simulated pool failed: ${(error as Error).message}`, { cause: error });
  }
}

async function realPool(env: NodeJS.ProcessEnv): Promise<DemoPool> {
  const missing: string[] = [POOL_ENV.username, POOL_ENV.password].filter((name) => !env[name]);
  if (!env[POOL_ENV.sshPrivateKey] && !env[POOL_ENV.sshPrivateKeyFile]) missing.push(`${POOL_ENV.sshPrivateKey} or ${POOL_ENV.sshPrivateKeyFile}`);
  if (missing.length > 0) throw new Error(`${POOL_ENV.url} is set, so the demo uses a real pool; also set ${missing.join(", ")}`);
  const privateKey = env[POOL_ENV.sshPrivateKey] ?? (await readFile(env[POOL_ENV.sshPrivateKeyFile]!, "utf8"));
  const url = env[POOL_ENV.url]!;
  return {
    kind: "pool",
    summary: `XCP-ng pool at ${maskUrlCredentials(url)}`,
    connection: {
      url,
      username: env[POOL_ENV.username]!,
      password: env[POOL_ENV.password]!,
      tls: { fingerprint256: env[POOL_ENV.tlsFingerprint] || undefined, caFile: env[POOL_ENV.caFile] || undefined },
    },
    template: env[POOL_ENV.template] || TEMPLATES.cloneReady,
    network: env[POOL_ENV.network] || SEEDED.managementNetwork,
    ssh: { username: env[POOL_ENV.sshUser] || "root", privateKey },
    rocksHost: env[POOL_ENV.rocksHost] || "127.0.0.1",
    markedVms: () => undefined,
    close: async () => undefined,
  };
}
