import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVm, type LuaVM } from "../../sdk/vm";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { heldBy, probeSeesAbortSignalAny } from "../support/signal-probe";

let server: RocksServer;
let parentDir: string;
const vms: LuaVM[] = [];

beforeAll(async () => {
  [server, parentDir] = await Promise.all([startRocksServer({ rocks: ["alpha"] }), mkdtemp(join(tmpdir(), "bioxen-vm-test-"))]);
});

afterAll(async () => {
  await Promise.allSettled(vms.map((vm) => vm.destroy()));
  await server?.stop();
  if (parentDir) await rm(parentDir, { recursive: true, force: true });
});

async function newVm(id: string): Promise<LuaVM> {
  const vm = await createVm(id, { parentDir, rocksServers: [server.url] });
  vms.push(vm);
  return vm;
}

const exists = (path: string) => access(path).then(() => true, () => false);

describe("createVm (local)", () => {
  it("is local by default and prints a chunk's returned value", async () => {
    const vm = await newVm("basic");
    expect(vm.type).toBe("local");
    const result = await vm.execute("return 2+2");
    expect(result).toMatchObject({ stdout: "4\n", exitCode: 0, success: true });
  });

  it("reports a Lua error as an unsuccessful result with the message on stderr", async () => {
    const vm = await newVm("errors");
    const result = await vm.execute('error("no such gene")');
    expect(result.success).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("no such gene");
  });

  it("passes arguments and stdin as data, and runs a file", async () => {
    const vm = await newVm("files");
    const args = await vm.execute("local a, b = ...; return a .. '|' .. b .. '|' .. io.read('a')", { args: ["x y", "$(z)"], stdin: ">seq1\nACGT" });
    expect(args.stdout).toBe("x y|$(z)|>seq1\nACGT\n");
    const file = join(vm.describe().details.dir!, "gc.lua");
    await writeFile(file, 'local s = arg[1]; local _, n = s:gsub("[GC]", ""); print(s); return n / #s\n');
    const result = await vm.executeFile(file, { args: ["GGCA"] });
    expect(result).toMatchObject({ stdout: "GGCA\n0.75\n", success: true });
  });

  it("keeps locals across calls of a session, and close() ends the session", async () => {
    const vm = await newVm("session");
    const session = await vm.openSession();
    await session.eval("local counts = { A = 3 }");
    expect((await session.eval("counts.A = counts.A + 1; return counts.A")).values).toEqual(["4"]);
    await vm.close();
    await expect(session.eval("return 1")).rejects.toThrow(/closed/);
    await expect(vm.execute("return 1")).rejects.toThrow(/VM session .*closed/);
  });

  it("a session still opening when close() runs is closed too, not handed out", async () => {
    const vm = await newVm("session-race");
    const opening = vm.openSession();
    await vm.close();
    await expect(opening).rejects.toThrow(/VM session-race .*closed/);
  });

  it("installs, lists and removes packages in its own tree, which only its Lua sees", async () => {
    const [vm, other] = await Promise.all([newVm("rocks"), newVm("rocks-other")]);
    expect(await vm.packages.install("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", version: "1.0-1" });
    expect(await vm.packages.list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
    expect((await vm.execute('return require("alpha").version')).stdout).toBe("1.0\n");
    expect(await other.packages.list()).toEqual([]);
    expect((await other.execute('return (pcall(require, "alpha"))')).stdout).toBe("false\n");
    expect(await vm.packages.remove("alpha")).toEqual(["1.0-1"]);
    expect(await vm.packages.list()).toEqual([]);
    expect((await vm.execute('return (pcall(require, "alpha"))')).stdout).toBe("false\n");
  });

  it("keeps LuaRocks' download cache in its own directory even when USER=root", async () => {
    const saved = process.env.USER;
    process.env.USER = "root";
    try {
      const vm = await newVm("rocks-root");
      await vm.packages.install("alpha", { version: "1.0-1" });
      const cacheName = server.url.replace(/[/:]/g, "_");
      expect(await exists(join(vm.describe().details.dir!, ".cache/luarocks", cacheName))).toBe(true);
      expect(await exists(join("/var/cache/luarocks", cacheName))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.USER;
      else process.env.USER = saved;
    }
  });

  it("describes itself, and destroy() removes its directory and tree", async () => {
    const vm = await newVm("describe");
    const description = vm.describe();
    expect(description).toMatchObject({ id: "describe", type: "local", state: "open", target: "local", address: "127.0.0.1" });
    expect(description.languageVersion).toMatch(/^5\.[1-4]$/);
    expect(description.luaVersion.startsWith(description.languageVersion)).toBe(true);
    expect(description.tree).toBe(join(description.details.dir!, "rocks"));
    expect(await exists(description.tree)).toBe(true);
    await vm.destroy();
    expect(vm.describe().state).toBe("destroyed");
    expect(await exists(description.details.dir!)).toBe(false);
    await expect(vm.execute("return 1")).rejects.toThrow(/VM describe .*destroyed/);
  });

  it("close() ends an execution that is still running", async () => {
    const vm = await newVm("long");
    const running = vm.execute("while true do end");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await vm.close();
    await expect(running).rejects.toThrow(/aborted/);
  });

  it("leaves nothing on a long-lived signal given to every execution and file write", async () => {
    expect(probeSeesAbortSignalAny()).toBe(true);
    const vm = await newVm("held");
    const appLifetime = new AbortController().signal;
    for (let i = 0; i < 30; i += 1) expect((await vm.execute(`return ${i}`, { signal: appLifetime })).stdout).toBe(`${i}\n`);
    const file = join(parentDir, "held.txt");
    for (let i = 0; i < 20; i += 1) await vm.target.writeFile(file, `write ${i}`, { signal: appLifetime, deadline: 60_000 });
    expect(heldBy(appLifetime)).toEqual({ listeners: 0, dependants: 0 });
    // The VM's own lifetime still ends what runs: close() stops an execution given a signal of its own.
    const running = vm.execute("while true do end", { signal: appLifetime });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await vm.close();
    await expect(running).rejects.toThrow(/aborted/);
  });

  it("refuses ids that are not plain tokens", async () => {
    await expect(createVm("../escape", { parentDir })).rejects.toThrow(/VM id "..\/escape" is invalid/);
  });
});
