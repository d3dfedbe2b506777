import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, it } from "vitest";
import { LuaPackage, type PackageTargetSpec } from "../../provider/lua-package";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import { Engine, createProgramDir, type ProgramDir } from "../support/engine";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { mutations } from "../provider/support/engine-checks";
import { startXcpngSim, type XcpngSim } from "../provider/support/xcpng-sim";
let env: XcpngSim; let rocks: RocksServer; let program: ProgramDir; let engine: Engine;
beforeAll(async () => { program = createProgramDir({ "bioxen-luavm": resolve(__dirname, "../..") }); [env, rocks] = await Promise.all([startXcpngSim({ password: "pw-scratch-1234" }, "127.86"), startRocksServer({ rocks: ["bx-pool-01"] })]); });
afterAll(async () => { try { if (engine?.state.length) await engine.destroy().catch((e) => console.log("DESTROY", e.message)); } finally { program.remove(); await Promise.all([env.stop(), rocks.stop()]); } });
it("restart", async () => {
  engine = new Engine({ project: "p", stack: "s", config: { "bioxen:xapiUrl": env.sim.url, "bioxen:xapiUsername": env.sim.username, "bioxen:xapiPassword": "pw-scratch-1234" }, secretConfigKeys: ["bioxen:xapiPassword"], programDir: program.dir, host: { callTimeoutMs: 120_000 } });
  const prog = (mem: number) => () => {
    const vm = new XcpngLuaVM("vm", { template: TEMPLATES.cloneReady, memoryMiB: mem, allowRestart: true, networks: [{ network: SEEDED.managementNetwork }], ssh: { user: env.user, port: env.sshPort, privateKey: pulumi.secret(env.keys.private) }, luaInterpreter: "lua5.4", timeouts: { create: 60, ready: 60, delete: 30 } });
    new LuaPackage("pkg", { target: vm.sshTarget.apply((t) => t as PackageTargetSpec), name: "bx-pool-01", servers: [rocks.url], luaVersion: "5.4", timeouts: { create: 60, update: 60, delete: 20 } });
  };
  await engine.up(prog(256));
  console.log("IP1", engine.state[0]!.outputs.ipAddress);
  try { const r = await engine.up(prog(512)); console.log("MUT", mutations(r)); } catch (e) { console.log("ERR", (e as Error).message.slice(0, 1500)); }
  console.log("IP2", engine.state[0]!.outputs.ipAddress);
});
