import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as impl from "../../provider/impl/lua-package";
import { UNKNOWN } from "../../provider/runtime/inputs";
import { setConfiguredValues } from "../../provider/runtime/config";
import { LuaRocks } from "../../sdk/rocks";
import { closeAllSshConnections } from "../../sdk/ssh";
import { localTarget } from "../../sdk/target";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSshd, type TestSshd } from "../support/sshd";

let server: RocksServer;
let sshd: TestSshd;
let temp: string;
let savedHome: string | undefined;
let treeCount = 0;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "bioxen-lua-package-"));
  const home = join(temp, "home");
  mkdirSync(home);
  // luarocks keeps its download cache under $HOME: keep it inside this test's temp folder.
  savedHome = process.env.HOME;
  process.env.HOME = home;
  [server, sshd] = await Promise.all([startRocksServer({ rocks: ["alpha", "beta", "broken", "ailing"] }), startTestSshd({ setEnv: { HOME: home } })]);
});
afterAll(async () => {
  await closeAllSshConnections();
  await Promise.all([server?.stop(), sshd?.stop()]);
  process.env.HOME = savedHome;
  rmSync(temp, { recursive: true, force: true });
});

/** A local target as a LocalLua outputs it, on a fresh tree. */
function localTree(): { target: Record<string, unknown>; tree: string } {
  const tree = join(temp, `tree-${++treeCount}`);
  return { target: { kind: "local", tree, luaVersion: "5.4" }, tree };
}

function sshSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: "ssh", host: sshd.host, port: sshd.port, username: sshd.username, hostKeyFingerprint: sshd.hostKeyFingerprint, privateKey: sshd.privateKey, ...overrides };
}

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await impl.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

async function failuresOf(news: Record<string, unknown>): Promise<Record<string, string>> {
  const result = await impl.check({}, news);
  const byProperty: Record<string, string> = {};
  for (const f of result.failures ?? []) byProperty[f.property] = byProperty[f.property] ? `${byProperty[f.property]} | ${f.reason}` : f.reason;
  return byProperty;
}

function listOf(tree: string) {
  return new LuaRocks(localTarget(), { tree: { path: tree }, luaVersion: "5.4" }).list();
}

describe("LuaPackage check", () => {
  it("takes tree and Lua version from a LocalLua target, and the user tree for SSH", async () => {
    const { target, tree } = localTree();
    expect(await checked({ target, name: "alpha", version: "1.0" })).toEqual({ target, name: "alpha", version: "1.0", tree: { path: tree }, luaVersion: "5.4" });
    expect(await checked({ target, name: "alpha", tree: "system", luaVersion: "5.1" })).toMatchObject({ tree: "system", luaVersion: "5.1" });
    expect(await checked({ target: { kind: "local" }, name: "alpha" })).toEqual({ target: { kind: "local" }, name: "alpha", tree: "user" });
    expect(await checked({ target: sshSpec(), name: "alpha", constraint: ">= 1.0, < 2", servers: [server.url], timeouts: { create: 30 } })).toMatchObject({ tree: "user" });
  });

  it("reports every invalid input with its property, never echoing the private key", async () => {
    expect(Object.keys(await failuresOf({}))).toEqual(["target", "name"]);
    const bad = await failuresOf({
      target: sshSpec({ hostKeyFingerprint: "", port: 0, privateKey: "not a key" }),
      name: "Bad Name",
      version: "1 .0",
      constraint: "about 2",
      servers: ["ftp://example.org", server.url],
      tree: { path: "relative" },
      luaVersion: "6.0",
      timeouts: { create: -1, ready: 5 },
      colour: "red",
    });
    expect(Object.keys(bad).sort()).toEqual(
      ["colour", "constraint", "luaVersion", "name", "servers[0]", "target.hostKeyFingerprint", "target.port", "target.privateKey", "timeouts.create", "timeouts.ready", "tree.path", "version"].sort(),
    );
    expect(bad.name).toContain('"Bad Name"');
    expect(bad.constraint).toContain("give either version");
    expect(JSON.stringify(bad)).not.toContain("not a key");
    expect(await failuresOf({ target: sshSpec({ machineId: "two words" }), name: "alpha" })).toEqual({ "target.machineId": expect.stringContaining('"two words"') });
    expect(await checked({ target: sshSpec({ machineId: "xcpng:0b6e2c1a-9f1d-4e8a-b1c2-3d4e5f607182" }), name: "alpha" })).toMatchObject({ tree: "user" });
    expect(await checked({ target: sshSpec({ machineId: "xcpng:1c7f3d2b-0a2e-4f9b-82d3-4e5f60718293:0b6e2c1a-9f1d-4e8a-b1c2-3d4e5f607182" }), name: "alpha" })).toMatchObject({ tree: "user" });
    expect(await failuresOf({ target: { kind: "ftp" }, name: "alpha" })).toEqual({ "target.kind": 'must be "local" or "ssh", got "ftp"' });
    expect(Object.keys(await failuresOf({ target: { kind: "local", tree: "x/y", luaVersion: 5.4 }, name: "alpha", servers: "http://x" }))).toEqual(["target.tree", "target.luaVersion", "servers"]);
    expect(Object.keys(await failuresOf({ target: { kind: "local" }, name: "alpha", tree: "home", servers: [] }))).toEqual(["servers", "tree"]);
  });

  it("checks locked dependencies: a list of { name, exact version }", async () => {
    const base = { target: { kind: "local" }, name: "beta" };
    expect(await checked({ ...base, dependencies: [{ name: "alpha", version: "1.0-1" }] })).toMatchObject({ dependencies: [{ name: "alpha", version: "1.0-1" }] });
    expect(await failuresOf({ ...base, dependencies: "alpha" })).toEqual({ dependencies: expect.stringContaining("must be a list of { name, version }") });
    expect(await failuresOf({ ...base, dependencies: [{ name: "Alpha", version: "1 beta" }, { name: "x" }, "y", { name: "z", version: "1.0", extra: 1 }] })).toEqual({
      "dependencies[0].name": expect.stringContaining('"Alpha"'),
      "dependencies[0].version": expect.stringContaining('"1 beta"'),
      "dependencies[1].version": "is required (an exact version)",
      "dependencies[2]": expect.stringContaining("must be { name, version }"),
      "dependencies[3].extra": "is not a field of a locked rock (name, version)",
    });
  });

  it("lets unknown values through during preview without defaults derived from them", async () => {
    expect(await checked({ target: UNKNOWN, name: UNKNOWN, version: UNKNOWN, servers: UNKNOWN })).toEqual({ target: UNKNOWN, name: UNKNOWN, version: UNKNOWN, servers: UNKNOWN });
    const partly = { kind: "local", tree: UNKNOWN, luaVersion: UNKNOWN };
    expect(await checked({ target: partly, name: "alpha" })).toEqual({ target: partly, name: "alpha" });
  });
});

describe("LuaPackage diff", () => {
  const { target } = { target: { kind: "local", tree: "/t", luaVersion: "5.4" } };
  const olds = { target, name: "alpha", version: "1.0", tree: { path: "/t" }, luaVersion: "5.4", installedVersion: "1.0-1", treePath: "/t" };
  const news = (changes: Record<string, unknown>) => ({ target, name: "alpha", version: "1.0", tree: { path: "/t" }, luaVersion: "5.4", ...changes });
  const none = { changes: false, replaces: [], deleteBeforeReplace: false };

  it("compares resolved versions: a request the installed version satisfies is no change", async () => {
    expect(await impl.diff("id", olds, news({}))).toEqual(none);
    expect(await impl.diff("id", olds, news({ version: "1.0-1" }))).toEqual(none);
    expect(await impl.diff("id", olds, news({ version: undefined, constraint: ">= 1.0, < 2" }))).toEqual(none);
    expect(await impl.diff("id", olds, news({ version: undefined }))).toEqual(none);
    expect(await impl.diff("id", olds, news({ version: "2.0" }))).toEqual({ ...none, changes: true });
    expect(await impl.diff("id", olds, news({ version: undefined, constraint: ">= 2" }))).toEqual({ ...none, changes: true });
    expect(await impl.diff("id", olds, news({ version: UNKNOWN }))).toEqual({ ...none, changes: true });
    // Another locked dependency is applied in place; the same ones are no change.
    const locked = [{ name: "beta", version: "1.0-1" }];
    expect(await impl.diff("id", { ...olds, dependencies: locked }, news({ dependencies: locked }))).toEqual(none);
    expect(await impl.diff("id", { ...olds, dependencies: locked }, news({ dependencies: [{ name: "beta", version: "2.0-1" }] }))).toEqual({ ...none, changes: true });
  });

  it("replaces on another machine, name, tree or Lua version, and updates credentials in place", async () => {
    expect(await impl.diff("id", olds, news({ name: "beta" }))).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
    // Same name elsewhere may be the same files ("user" = its path): delete first, then install.
    expect(await impl.diff("id", olds, news({ tree: "user" }))).toEqual({ changes: true, replaces: ["tree"], deleteBeforeReplace: true });
    expect((await impl.diff("id", olds, news({ luaVersion: "5.3" }))).replaces).toEqual(["luaVersion"]);
    expect((await impl.diff("id", olds, news({ target: UNKNOWN }))).replaces).toEqual(["target"]);
    expect(await impl.diff("id", olds, news({ servers: ["http://127.0.0.1:1/x"] }))).toEqual({ ...none, changes: true });
    const ssh = { ...olds, target: { kind: "ssh", host: "h", port: 22, username: "u", hostKeyFingerprint: "SHA256:a", privateKey: "k1" } };
    const sshNews = (t: Record<string, unknown>) => news({ target: { ...ssh.target, ...t } });
    expect(await impl.diff("id", ssh, sshNews({}))).toEqual(none);
    expect(await impl.diff("id", ssh, sshNews({ privateKey: "k2", hostKeyFingerprint: "SHA256:b" }))).toEqual({ ...none, changes: true });
    expect((await impl.diff("id", ssh, sshNews({ host: "other", hostKeyFingerprint: "SHA256:b" }))).replaces).toEqual(["target"]);
    expect((await impl.diff("id", ssh, sshNews({ port: 2222 }))).replaces).toEqual(["target"]);
    expect((await impl.diff("id", ssh, sshNews({ username: "v" }))).replaces).toEqual(["target"]);
    expect((await impl.diff("id", ssh, sshNews({ privateKey: UNKNOWN }))).replaces).toEqual([]);
    expect((await impl.diff("id", ssh, sshNews({ host: UNKNOWN }))).replaces).toEqual(["target"]);
  });

  it("treats a new address of the same machine as an in-place update, never a replace", async () => {
    const vm = { kind: "ssh", host: "10.0.0.5", port: 22, username: "u", hostKeyFingerprint: "SHA256:a", machineId: "xcpng:vm-1" };
    const onVm = { ...olds, target: vm };
    const moved = (t: Record<string, unknown>) => news({ target: { ...vm, ...t } });
    // Same VM uuid: a new address (restart, new lease), even a new host key, is the same machine.
    expect(await impl.diff("id", onVm, moved({ host: "10.0.0.9" }))).toEqual({ ...none, changes: true });
    expect(await impl.diff("id", onVm, moved({ host: "10.0.0.9", hostKeyFingerprint: "SHA256:b" }))).toEqual({ ...none, changes: true });
    // Another VM at the very same address and key is another machine.
    expect(await impl.diff("id", onVm, moved({ machineId: "xcpng:vm-2" }))).toEqual({ changes: true, replaces: ["target"], deleteBeforeReplace: true });
    expect((await impl.diff("id", onVm, moved({ machineId: UNKNOWN }))).replaces).toEqual(["target"]);
    // State written before machineId existed: judged by host key, port and user, then recorded.
    const legacy = { ...olds, target: { ...vm, machineId: undefined } };
    expect(await impl.diff("id", legacy, moved({ host: "10.0.0.9" }))).toEqual({ ...none, changes: true });
    expect((await impl.diff("id", legacy, moved({ host: "10.0.0.9", hostKeyFingerprint: "SHA256:b" }))).replaces).toEqual(["target"]);
    // Unchanged: no diff at all.
    expect(await impl.diff("id", onVm, moved({}))).toEqual(none);
  });

  it("treats an XCP-ng machineId with and without its pool uuid as the same VM (state from before the pool was recorded)", async () => {
    const [pool, otherPool, vmUuid, otherVm] = ["0b6e2c1a-9f1d-4e8a-b1c2-3d4e5f607182", "1c7f3d2b-0a2e-4f9b-82d3-4e5f60718293", "2d804e3c-1b3f-4a0c-93e4-5f6071829304", "3e915f4d-2c40-4b1d-a4f5-607182930415"];
    const vm = { kind: "ssh", host: "10.0.0.5", port: 22, username: "u", hostKeyFingerprint: "SHA256:a" };
    const onVm = (machineId: string) => ({ ...olds, target: { ...vm, machineId } });
    const at = (machineId: string, t: Record<string, unknown> = {}) => news({ target: { ...vm, machineId, ...t } });
    // Old form in the state, new form from the upgraded XcpngLuaVM: an in-place update that records the new id.
    expect(await impl.diff("id", onVm(`xcpng:${vmUuid}`), at(`xcpng:${pool}:${vmUuid}`))).toEqual({ ...none, changes: true });
    expect(await impl.diff("id", onVm(`xcpng:${vmUuid}`), at(`xcpng:${pool}:${vmUuid.toUpperCase()}`, { host: "10.0.0.9" }))).toEqual({ ...none, changes: true });
    expect(await impl.diff("id", onVm(`xcpng:${pool}:${vmUuid}`), at(`xcpng:${vmUuid}`))).toEqual({ ...none, changes: true });
    // VM uuids are unique: the same VM recorded under another pool is still that VM.
    expect((await impl.diff("id", onVm(`xcpng:${pool}:${vmUuid}`), at(`xcpng:${otherPool}:${vmUuid}`))).replaces).toEqual([]);
    // Another VM, in either form, is another machine.
    expect((await impl.diff("id", onVm(`xcpng:${vmUuid}`), at(`xcpng:${pool}:${otherVm}`))).replaces).toEqual(["target"]);
    expect((await impl.diff("id", onVm(`xcpng:${pool}:${vmUuid}`), at(`xcpng:${pool}:${otherVm}`))).replaces).toEqual(["target"]);
    expect(await impl.diff("id", onVm(`xcpng:${pool}:${vmUuid}`), at(`xcpng:${pool}:${vmUuid}`))).toEqual(none);
  });
});

describe("LuaPackage on a local tree", () => {
  it("installs, upgrades, downgrades in place, notices outside changes, and removes", async () => {
    const { target, tree } = localTree();
    const inputs = await checked({ target, name: "alpha", version: "1.0", servers: [server.url] });
    const created = await impl.create(inputs);
    expect(created.id).toBe(`local:${tree}/alpha`);
    expect(created.outs).toEqual({ ...inputs, installedVersion: "1.0-1", treePath: tree, healthy: true, healthProblems: [] });
    expect(await listOf(tree)).toEqual([{ name: "alpha", version: "1.0-1" }]);

    const up = await checked({ target, name: "alpha", version: "2.0", servers: [server.url] });
    expect((await impl.diff(created.id, created.outs!, up)).changes).toBe(true);
    const upgraded = await impl.update(created.id, created.outs!, up);
    expect(upgraded.outs).toEqual({ ...up, installedVersion: "2.0-1", treePath: tree, healthy: true, healthProblems: [] });
    expect(await listOf(tree)).toEqual([{ name: "alpha", version: "2.0-1" }]);

    const down = await checked({ target, name: "alpha", constraint: "< 2", servers: [server.url] });
    const downgraded = await impl.update(created.id, upgraded.outs!, down);
    expect(downgraded.outs).toMatchObject({ constraint: "< 2", installedVersion: "1.0-1" });
    expect(await impl.diff(created.id, downgraded.outs!, down)).toMatchObject({ changes: false });

    // Changed outside: refresh reports the installed version, and the next diff wants an update.
    await new LuaRocks(localTarget(), { tree: { path: tree }, luaVersion: "5.4", servers: [server.url] }).upgrade("alpha");
    const read = await impl.read(created.id, downgraded.outs!);
    expect(read).toEqual({ id: created.id, props: { ...downgraded.outs, installedVersion: "2.0-1" }, inputs: down });
    expect(await impl.diff(created.id, read.props!, down)).toMatchObject({ changes: true, replaces: [] });

    await impl.delete(created.id, read.props!);
    expect(await listOf(tree)).toEqual([]);
    expect(await impl.read(created.id, read.props!)).toEqual({});
    await impl.delete(created.id, read.props!); // already gone: nothing to do
  });

  it("installs dependencies with the rock, and an update is a no-op when the installed version still satisfies", async () => {
    const { target, tree } = localTree();
    const inputs = await checked({ target, name: "beta", constraint: ">= 1", servers: [server.url] });
    const created = await impl.create(inputs);
    expect(created.outs).toMatchObject({ installedVersion: "1.0-1" });
    expect(await listOf(tree)).toEqual([
      { name: "alpha", version: "2.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);
    const again = await impl.update(created.id, created.outs!, { ...inputs, timeouts: { update: 60 } });
    expect(again.outs).toMatchObject({ installedVersion: "1.0-1", timeouts: { update: 60 } });
    await impl.delete(created.id, again.outs!);
    expect(await listOf(tree)).toEqual([{ name: "alpha", version: "2.0-1" }]);
  });

  it("requires every module after the install: a module raising makes healthy false, naming it and its Lua error; refresh checks again", async () => {
    const { target, tree } = localTree();
    const ailing = await impl.create(await checked({ target, name: "ailing", servers: [server.url] }));
    expect(ailing.outs).toMatchObject({ installedVersion: "1.0-1", healthy: false, healthProblems: [expect.stringMatching(/^ailing\.core: .*core\.lua:2: ailing\.core: the reference table is missing$/)] });

    const alpha = await impl.create(await checked({ target, name: "alpha", servers: [server.url] }));
    expect(alpha.outs).toMatchObject({ healthy: true, healthProblems: [] });
    rmSync(join(tree, "share/lua/5.4/alpha.lua"));
    const refreshed = await impl.read(alpha.id, alpha.outs!);
    expect(refreshed.props).toMatchObject({ installedVersion: "2.0-1", healthy: false, healthProblems: [expect.stringMatching(/^alpha: module 'alpha' not found:/)] });
  });

  it("leaves nothing behind when the install fails, with luarocks' reason in the error", async () => {
    const { target, tree } = localTree();
    const broken = impl.create(await checked({ target, name: "broken", servers: [server.url] }));
    await expect(broken).rejects.toThrow(/luarocks install "broken" on local failed[\s\S]*missing\.lua/);
    const missing = impl.create(await checked({ target, name: "alpha", version: "9.0", servers: [server.url] }));
    await expect(missing).rejects.toThrow(/alpha/);
    expect(await listOf(tree)).toEqual([]);
  });
});

describe("LuaPackage over SSH", () => {
  it("installs, reads and removes on an SSH host with a pinned host key", async () => {
    const tree = join(temp, "ssh-tree");
    const inputs = await checked({ target: sshSpec(), name: "alpha", constraint: "~> 1", servers: [server.url], tree: { path: tree }, luaVersion: "5.4" });
    const created = await impl.create(inputs);
    expect(created.id).toBe(`ssh://${sshd.username}@${sshd.host}:${sshd.port}:${tree}/alpha`);
    expect(created.outs).toMatchObject({ installedVersion: "1.0-1", treePath: tree, healthy: true, healthProblems: [] });
    expect(await listOf(tree)).toEqual([{ name: "alpha", version: "1.0-1" }]);
    expect((await impl.read(created.id, created.outs!)).props).toMatchObject({ installedVersion: "1.0-1", healthy: true });
    await impl.delete(created.id, created.outs!);
    expect(await listOf(tree)).toEqual([]);
  });

  it("falls back to bioxen:sshPrivateKey, and refuses a wrong host key without showing the key", async () => {
    const tree = join(temp, "ssh-tree-2");
    const withoutKey = sshSpec({ privateKey: undefined });
    setConfiguredValues({ sshPrivateKey: sshd.privateKey });
    try {
      const created = await impl.create(await checked({ target: withoutKey, name: "alpha", servers: [server.url], tree: { path: tree }, luaVersion: "5.4" }));
      expect(created.outs).toMatchObject({ installedVersion: "2.0-1" });
      await impl.delete(created.id, created.outs!);
    } finally {
      setConfiguredValues({});
    }
    await expect(impl.create(await checked({ target: withoutKey, name: "alpha", tree: { path: tree } }))).rejects.toThrow(/no SSH private key .* bioxen:sshPrivateKey/);

    const wrongPin = sshSpec({ hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    const error = (await impl.create(await checked({ target: wrongPin, name: "alpha", servers: [server.url], tree: { path: tree }, timeouts: { create: 15 } })).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/host key/i);
    expect(`${error.message}\n${error.stack}`).not.toContain(sshd.privateKey.split("\n")[1]);
    expect(await listOf(tree)).toEqual([]);
  });

  it("keeps a rock whose install got through when the connection died as the partial state: id, properties, no private key", async () => {
    const tree = join(temp, "ssh-tree-cut");
    const proxy = await startSshCut(sshd.port);
    const inputs = await checked({ target: sshSpec({ port: proxy.port }), name: "alpha", version: "1.0-1", servers: [server.url], tree: { path: tree }, luaVersion: "5.4", timeouts: { create: 30, read: 3 } });
    const attempt = impl.create(inputs).catch((e: unknown) => e) as Promise<Error & { id?: string; properties?: Record<string, unknown> }>;
    // The connection dies as soon as luarocks has put the rock in the tree, before the provider hears back.
    const rockDir = join(tree, "lib", "luarocks", "rocks-5.4", "alpha", "1.0-1");
    while (!existsSync(rockDir)) await new Promise((resolve) => setTimeout(resolve, 2));
    proxy.cut();
    const error = await attempt;
    try {
      expect(error.id).toBe(`ssh://${sshd.username}@${sshd.host}:${proxy.port}:${tree}/alpha`);
      expect(error.message).toMatch(/kept in the state/);
      expect(error.properties).toMatchObject({ name: "alpha", treePath: tree });
      expect(JSON.stringify(error.properties)).not.toContain(sshd.privateKey.split("\n")[1]);
      expect(error.properties!.target).not.toHaveProperty("privateKey");
    } finally {
      proxy.close();
      // What a destroy then does, through the host's own port and the key from the config.
      await impl.delete(error.id ?? "", { ...error.properties, target: sshSpec() });
    }
    expect(await listOf(tree)).toEqual([]);
  });
});

/** A TCP proxy to sshd whose `cut()` drops every connection and refuses new ones at once. */
async function startSshCut(port: number): Promise<{ port: number; cut(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    close: () => server.close(),
  };
}
