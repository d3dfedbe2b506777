import { existsSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalLua } from "../../provider/local-lua";
import { LuaPackage } from "../../provider/lua-package";
import { LuaRocks } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target";
import { Engine, isSecret, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, makeTempHome, type TempHome } from "../support/engine-suite";
import { expectNoSecretLeaks, mutations, privateKeyLines } from "./support/engine-checks";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSshd, type TestSshd } from "../support/sshd";

const XAPI_PASSWORD = "xapi-password-never-stored-5d1e";

let server: RocksServer;
let sshd: TestSshd;
let program: ProgramDir;
let temp: TempHome;

beforeAll(async () => {
  temp = makeTempHome("bioxen-lua-package-engine-");
  program = checkoutProgramDir();
  [server, sshd] = await Promise.all([startRocksServer({ rocks: ["alpha", "beta"] }), startTestSshd({ setEnv: { HOME: temp.home } })]);
});
afterAll(() => finishEngineSuite({ program, servers: [server, sshd], folders: [temp?.dir] }));

function newEngine(): Engine {
  return new Engine({
    project: "lua-packages",
    config: { "bioxen:xapiPassword": XAPI_PASSWORD },
    secretConfigKeys: ["bioxen:xapiPassword"],
    programDir: program.dir,
    // luarocks keeps its download cache under $HOME: keep it in this test's temp folder.
    host: { env: { HOME: temp.home } },
  });
}

/** LocalLua in the program folder, alpha at `alphaVersion`, beta (needs alpha) after it, and alpha over SSH. */
function stack(alphaVersion: string) {
  return () => {
    const lua = new LocalLua("lua", {});
    const alpha = new LuaPackage("alpha", { target: lua.target, name: "alpha", version: alphaVersion, servers: [server.url] });
    new LuaPackage("beta", { target: lua.target, name: "beta", servers: [server.url] }, { dependsOn: [alpha] });
    const remote = { kind: "ssh" as const, host: sshd.host, port: sshd.port, username: sshd.username, hostKeyFingerprint: sshd.hostKeyFingerprint, privateKey: sshd.privateKey };
    new LuaPackage("remote", { target: pulumi.secret(remote), name: "alpha", constraint: "< 2", servers: [server.url], tree: { path: join(temp.dir, "remote-tree") }, luaVersion: "5.4" });
  };
}

function outputsOf(engine: Engine, name: string): Record<string, unknown> {
  const res = engine.state.find((r) => r.urn.endsWith(`::${name}`));
  if (!res) throw new Error(`no ${name} in state`);
  return res.outputs as Record<string, unknown>;
}

function rocksIn(tree: string): LuaRocks {
  return new LuaRocks(localTarget(), { tree: { path: tree }, luaVersion: "5.4", servers: [server.url], env: { HOME: temp.home } });
}

describe("LocalLua + LuaPackage through the real dynamic-provider host", () => {
  it("previews with unknown targets, then up, no-op up, version change, refresh after outside changes, and destroy", async () => {
    const engine = newEngine();
    const preview = await engine.preview(stack("1.0"));
    expect([...new Set(preview.calls.map((c) => c.method))]).toEqual(["getPluginInfo", "configure", "check"]);
    expect(engine.state).toEqual([]);

    const first = await engine.up(stack("1.0"));
    expect(mutations(first).sort()).toEqual(["create alpha", "create beta", "create lua", "create remote"]);
    expect(engine.state.map((r) => r.type)).toContain("pulumi-nodejs:dynamic/bioxen:LuaPackage");
    expect(engine.state.map((r) => r.type)).toContain("pulumi-nodejs:dynamic/bioxen:LocalLua");
    const lua = outputsOf(engine, "lua");
    const tree = join(program.dir, "lua_modules");
    expect(lua).toMatchObject({ projectDir: program.dir, treePath: tree, luaVersion: "5.4", createdTree: true, target: { kind: "local", tree, luaVersion: "5.4" } });
    expect(outputsOf(engine, "alpha")).toMatchObject({ installedVersion: "1.0-1", treePath: tree, tree: { path: tree }, luaVersion: "5.4" });
    expect(outputsOf(engine, "remote")).toMatchObject({ installedVersion: "1.0-1" });
    expect(await rocksIn(tree).list()).toEqual([
      { name: "alpha", version: "1.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);
    // LocalLua's outputs run a script against the tree.
    const run = await localTarget().exec([lua.interpreterPath as string, "-e", 'print(require("beta").alpha_version, require("alpha").version)'], {
      env: { LUA_PATH: lua.luaPath as string, LUA_CPATH: lua.luaCPath as string },
      deadline: 20_000,
    });
    expect(run.stdout.trim()).toBe("1.0\t1.0");

    const again = await engine.up(stack("1.0"));
    expect(mutations(again)).toEqual([]);

    const changed = await engine.up(stack("2.0"));
    expect(mutations(changed)).toEqual(["update alpha"]);
    expect(outputsOf(engine, "alpha")).toMatchObject({ version: "2.0", installedVersion: "2.0-1" });
    expect(await rocksIn(tree).list()).toEqual([
      { name: "alpha", version: "2.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);

    await rocksIn(tree).remove("beta");
    await rocksIn(tree).downgrade("alpha", { version: "1.0" });
    const refreshed = await engine.refresh();
    expect(mutations(refreshed)).toEqual([]);
    expect(engine.state.map((r) => r.urn.split("::").pop()).sort()).toEqual(["alpha", "lua", "remote"]);
    expect(outputsOf(engine, "alpha")).toMatchObject({ version: "2.0", installedVersion: "1.0-1" });

    const repaired = await engine.up(stack("2.0"));
    expect(mutations(repaired).sort()).toEqual(["create beta", "update alpha"]);
    expect(outputsOf(engine, "alpha")).toMatchObject({ installedVersion: "2.0-1" });

    assertNoPlaintextSecrets(engine);

    const destroyed = await engine.destroy();
    expect(mutations(destroyed).indexOf("delete beta")).toBeLessThan(mutations(destroyed).indexOf("delete alpha"));
    expect(mutations(destroyed).at(-1)).toBe("delete lua");
    expect(engine.state).toEqual([]);
    expect(existsSync(tree)).toBe(false);
    expect(await rocksIn(join(temp.dir, "remote-tree")).list()).toEqual([]);
  }, 180_000);
});

function assertNoPlaintextSecrets(engine: Engine): void {
  for (const name of ["alpha", "beta", "remote"]) expect(isSecret(outputsOf(engine, name).target)).toBe(true);
  const remote = engine.state.find((r) => r.urn.endsWith("::remote"))!;
  expect(isSecret(remote.inputs.target)).toBe(true);
  expectNoSecretLeaks(engine, [XAPI_PASSWORD, ...privateKeyLines(sshd.privateKey)]);
  const providers = engine.state.map((r) => String(r.inputs.__provider)).join("\n");
  expect(providers).toContain('"bioxen-luavm/provider/impl/lua-package"');
}
