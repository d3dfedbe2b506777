import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterStack } from "../../examples/pulumi-cluster/program";
import { openDemoPool, type DemoPool } from "../../scripts/support/demo-pool";
import { startRocksServer, type RocksServer } from "../../scripts/support/rocks-server";
import { SAMPLE_FASTA, WORKLOAD_ROCK_DIR } from "../../scripts/support/workload-files";
import { sshTarget } from "../../sdk/ssh";
import { SEEDED, TEMPLATES } from "../../sim";
import type { Engine, ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, simEngine, type XapiLogin } from "../support/engine-suite";
import { mutations } from "../provider/support/engine-checks";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
let pool: DemoPool;
let server: RocksServer;
let program: ProgramDir;
let engine: Engine | undefined;

beforeAll(async () => {
  program = checkoutProgramDir();
  [pool, server] = await Promise.all([openDemoPool({}), startRocksServer([WORKLOAD_ROCK_DIR])]);
});
afterAll(() => finishEngineSuite({ engines: [engine], program, servers: [pool && { stop: () => pool.close() }, server] }));

/** Networks named like the example's private network. */
function labNetworks(): string[] {
  return pool.simulator!.objects("network").filter((n) => n.record.name_label === "bioxen-lab").map((n) => n.ref);
}

describe("examples/pulumi-cluster through the real dynamic-provider host on the simulator", () => {
  it("creates three workers, their private network and bioxen-seq on each, is stable, and destroys everything", async () => {
    const login = pool.connection as XapiLogin;
    engine = simEngine(login, {
      project: "bioxen-pulumi-cluster",
      stack: "lab",
      config: {
        "bioxen:sshUser": pool.ssh.username,
        "bioxen:sshPrivateKey": pool.ssh.privateKey,
        "bioxen:sshPort": String(pool.ssh.port),
        "bioxen:sessionIdleMs": "200",
      },
      secretConfigKeys: ["bioxen:sshPrivateKey"],
      programDir: program.dir,
      // The third worker's create waits for a create slot (two per pool), then builds and uploads its config drive.
      host: { callTimeoutMs: 120_000 },
    });
    const stack = () => void clusterStack({ template: TEMPLATES.cloudInit, managementNetwork: SEEDED.managementNetwork, rocksServer: server.url });

    const up = await engine.up(stack);
    expect(mutations(up).sort()).toEqual(
      ["create bioxen-seq-0", "create bioxen-seq-1", "create bioxen-seq-2", "create lab", "create worker-0", "create worker-1", "create worker-2"],
    );
    expect(pool.markedVms()!.sort()).toEqual(["worker-0", "worker-1", "worker-2"]);
    expect(labNetworks()).toHaveLength(1);
    const outputs = (name: string) => engine!.state.find((r) => r.urn.endsWith(`::${name}`))!.outputs as Record<string, unknown>;
    const workerUuids = [0, 1, 2].map((i) => outputs(`worker-${i}`).vmUuid);
    expect((outputs("lab").attachments as { vmUuid: string; address?: string }[]).map((a) => a.vmUuid)).toEqual(workerUuids);
    for (const i of [0, 1, 2]) expect(outputs(`bioxen-seq-${i}`).installedVersion).toBe("1.0-1");

    // Each worker's host key is the one generated for its config drive, pinned before it booted.
    for (const i of [0, 1, 2]) expect(pool.simulator!.sshGuests!.hostKeyFingerprint(String(workerUuids[i]))).toBe(outputs(`worker-${i}`).hostKeyFingerprint);
    // The workload runs on a worker with the rock the stack installed, over SSH with the pinned host key.
    const worker = outputs("worker-1");
    const target = sshTarget({
      host: String(worker.ipAddress),
      port: pool.ssh.port!,
      username: pool.ssh.username,
      privateKey: pool.ssh.privateKey,
      hostKey: { fingerprint: String(worker.hostKeyFingerprint) },
    });
    const report = await target.exec([`${outputs("bioxen-seq-1").treePath}/bin/bioxen-seq`, "-n", "3"], { stdin: await readFile(SAMPLE_FASTA, "utf8"), deadline: 30_000 });
    expect(report).toMatchObject({ exitCode: 0, stderr: "" });
    expect(report.stdout).toContain("SYN_0002.1        760   22.11  AAA=59 TAA=46 AAT=45\n");
    await target.close();

    expect(mutations(await engine.up(stack))).toEqual([]);
    const state = engine.serializedState();
    expect(state).not.toContain(login.password);
    expect(state).not.toContain(pool.ssh.privateKey.trim().split("\n")[1]);

    await engine.destroy();
    expect(engine.state).toEqual([]);
    expect(pool.markedVms()).toEqual([]);
    expect(labNetworks()).toEqual([]);
  }, 180_000);
});
