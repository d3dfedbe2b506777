import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import main from "../../program";
import { closeAllSshConnections } from "../../sdk/ssh";
import { SEEDED, TEMPLATES } from "../../sim";
import { Engine, createProgramDir, isSecret, type OperationResult, type ProgramDir } from "../support/engine";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim } from "../provider/support/xcpng-sim";

// The provider host loads bioxen-luavm/provider/impl/* from dist/: needs a fresh `npm run build`.
const ROOT = resolve(__dirname, "../..");
const PASSWORD = "env-program-pool-secret-41d9";
const KEY_VARIABLE = "BIOXEN_ENV_PROGRAM_SSH_KEY";
const MUTATING = ["create", "update", "delete"];

let sim: XcpngSim;
let rocks: RocksServer;
let program: ProgramDir;
let temp: string;
let engine: Engine | undefined;
let networksBefore: number;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "bioxen-env-program-engine-"));
  mkdirSync(join(temp, "home"));
  program = createProgramDir({ "bioxen-luavm": ROOT });
  [sim, rocks] = await Promise.all([startTestSim({ password: PASSWORD }, { sshGuests: { addressBase: "127.83" }, counted: XCPNG_COUNTED }), startRocksServer({ rocks: ["alpha", "beta"] })]);
  networksBefore = sim.sim.objects("network").length;
  process.env[KEY_VARIABLE] = sim.keys.private;
});

afterAll(async () => {
  delete process.env[KEY_VARIABLE];
  try {
    if (engine?.state.length) await engine.destroy();
  } finally {
    await closeAllSshConnections();
    await Promise.all([sim?.stop(), rocks?.stop()]);
    program?.remove();
    rmSync(temp, { recursive: true, force: true });
  }
});

/** Two VMs on the simulator (real sshd guests) on the management network and a network of the file, a package on each, a local installation with a package. */
function environmentFile(): string {
  return [
    "version: 1",
    "connections:",
    `  sim: { url: "${sim.sim.url}", username: ${sim.sim.username}, password: { config: "bioxen:poolPassword" } }`,
    "networks:",
    "  backend: { connection: sim, description: env program test }",
    "vms:",
    "  node:",
    "    connection: sim",
    `    template: ${TEMPLATES.cloneReady}`,
    "    count: 2",
    "    memoryMiB: 512",
    `    networks: [{ poolNetwork: "${SEEDED.managementNetwork}" }, backend]`,
    `    ssh: { user: ${sim.user}, port: ${sim.sshPort}, privateKey: { env: ${KEY_VARIABLE} } }`,
    "    lua: lua5.4",
    `    packages: [{ name: alpha, version: "1.0-1", servers: ["${rocks.url}"] }]`,
    "local:",
    "  dev: { interpreter: lua5.4, tree: lua_modules }",
    "packages:",
    `  - { name: beta, servers: ["${rocks.url}"], local: [dev] }`,
    "",
  ].join("\n");
}

function mutations(result: OperationResult): string[] {
  return result.calls.filter((c) => MUTATING.includes(c.method)).map((c) => `${c.method} ${c.urn.split("::").pop()}`).sort();
}

function outputsOf(name: string): Record<string, unknown> {
  const resource = engine!.state.find((r) => r.urn.endsWith(`::${name}`));
  if (!resource) throw new Error(`no ${name} in state; state has ${engine!.state.map((r) => r.urn.split("::").pop()).join(", ")}`);
  return resource.outputs as Record<string, unknown>;
}

describe("the root program through the real dynamic-provider host", () => {
  it("applies an environment file, changes nothing when applied again, and destroys everything it made", async () => {
    writeFileSync(join(program.dir, "env.yaml"), environmentFile());
    engine = new Engine({
      project: "envprog",
      stack: "e2e",
      config: { "bioxen:environment": "env.yaml", "bioxen:poolPassword": PASSWORD, "bioxen:sessionIdleMs": "200" },
      secretConfigKeys: ["bioxen:poolPassword"],
      programDir: program.dir,
      // luarocks keeps its download cache under $HOME: keep it in this test's temp folder.
      host: { env: { HOME: join(temp, "home") } },
    });
    const deploy = () => main(program.dir);

    const first = await engine.up(deploy);
    expect(mutations(first)).toEqual([
      "create local:dev",
      "create net:backend",
      "create pkg:local:dev/beta",
      "create pkg:node-0/alpha",
      "create pkg:node-1/alpha",
      "create vm:node-0",
      "create vm:node-1",
    ]);
    const vm0 = outputsOf("vm:node-0");
    expect(sim.sim.record("VM", sim.sim.refOf(vm0.vmUuid as string)!)!.other_config["bioxen:owner"]).toBe("envprog/e2e/XcpngLuaVM/vm:node-0");
    expect(vm0).toMatchObject({ name: "node-0", luaLanguageVersion: "5.4", powerState: "running" });
    const backend = outputsOf("net:backend").networkUuid as string;
    const vifNetworks = sim.sim.objects("VIF").filter((o) => o.record.VM === sim.sim.refOf(vm0.vmUuid as string)).map((o) => sim.sim.record("network", o.record.network as string)?.uuid);
    expect(vifNetworks).toContain(backend);
    expect(outputsOf("pkg:node-1/alpha")).toMatchObject({ installedVersion: "1.0-1" });
    expect(outputsOf("pkg:local:dev/beta")).toMatchObject({ installedVersion: "1.0-1", treePath: join(program.dir, "lua_modules") });
    expect(isSecret(outputsOf("vm:node-1").sshTarget)).toBe(true);

    const again = await engine.up(deploy);
    expect(mutations(again)).toEqual([]);
    expect(again.calls.map((c) => c.method)).toContain("diff");

    const serialized = engine.serializedState();
    const logs = engine.hostLogs.map((l) => l.line).join("\n");
    for (const secret of [PASSWORD, sim.keys.private.split("\n")[1]!]) {
      expect(serialized).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }

    const destroyed = await engine.destroy();
    expect(mutations(destroyed)).toHaveLength(7);
    expect(engine.state).toEqual([]);
    expectNoLeftovers(sim);
    expect(sim.sim.objects("network").length).toBe(networksBefore);
    expect(existsSync(join(program.dir, "lua_modules"))).toBe(false);
  }, 180_000);
});
