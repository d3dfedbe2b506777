import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as impl from "../../provider/impl/local-lua";
import { UNKNOWN } from "../../provider/runtime/inputs";
import { localTarget } from "../../sdk/target";

let temp: string;
let count = 0;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), "bioxen-local-lua-"));
});
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

function newProjectDir(): string {
  const dir = join(temp, `project-${++count}`);
  mkdirSync(dir);
  return dir;
}

async function checked(news: Record<string, unknown>) {
  const result = await impl.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

async function failures(news: Record<string, unknown>) {
  return ((await impl.check({}, news)).failures ?? []).map((f) => f.property);
}

describe("LocalLua check", () => {
  it("defaults projectDir to the program folder and tree to <projectDir>/lua_modules, resolving relative paths", async () => {
    expect(await checked({})).toEqual({ projectDir: process.cwd(), tree: join(process.cwd(), "lua_modules") });
    expect(await checked({ projectDir: temp, tree: "rocks" })).toEqual({ projectDir: temp, tree: join(temp, "rocks") });
    expect(await checked({ projectDir: "sub/dir", interpreter: "lua5.1" })).toEqual({
      projectDir: join(process.cwd(), "sub/dir"),
      tree: join(process.cwd(), "sub/dir/lua_modules"),
      interpreter: "lua5.1",
    });
    expect(await checked({ tree: "/opt/rocks/" })).toMatchObject({ tree: "/opt/rocks" });
  });

  it("rejects bad interpreters, paths and unknown keys with the property named", async () => {
    const bad = await impl.check({}, { interpreter: "lua -e os.exit()", projectDir: 42, tree: "/tmp/with space", colour: "red" });
    expect(bad.failures).toEqual([
      { property: "colour", reason: expect.stringContaining("is not an input of this resource") },
      { property: "interpreter", reason: expect.stringContaining("is not a valid command name or path") },
      { property: "projectDir", reason: "must be a folder path, got 42" },
      { property: "tree", reason: `must resolve to an absolute path of letters, digits, '.', '_', '+', '-' and '/', got "/tmp/with space"` },
    ]);
    expect(await failures({ tree: "/tmp/with space" })).toEqual(["tree"]);
    expect(await failures({ interpreter: "-v" })).toEqual(["interpreter"]);
    expect(await failures({ interpreter: 5 })).toEqual(["interpreter"]);
  });

  it("passes unknown values without deriving from them", async () => {
    expect(await checked({ projectDir: UNKNOWN })).toEqual({ projectDir: UNKNOWN });
    expect(await checked({ tree: UNKNOWN, interpreter: UNKNOWN })).toEqual({ tree: UNKNOWN, interpreter: UNKNOWN, projectDir: process.cwd() });
  });
});

describe("LocalLua diff", () => {
  const olds = { projectDir: "/p", tree: "/p/lua_modules", interpreterPath: "/usr/bin/lua5.4", createdTree: true };
  it("replaces on a new tree, updates on interpreter or projectDir, and is stable otherwise", async () => {
    expect(await impl.diff("/p/lua_modules", olds, { projectDir: "/p", tree: "/p/lua_modules" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await impl.diff("x", olds, { projectDir: "/p", tree: "/p/other" })).toEqual({ changes: true, replaces: ["tree"], deleteBeforeReplace: false });
    expect(await impl.diff("x", olds, { projectDir: "/p", tree: UNKNOWN })).toMatchObject({ changes: true, replaces: ["tree"] });
    expect(await impl.diff("x", olds, { projectDir: "/q", tree: "/p/lua_modules", interpreter: "lua5.1" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("LocalLua create / read / update / delete on this machine", () => {
  it("finds the interpreter, makes the tree, outputs paths and a local target; delete removes the tree it made", async () => {
    const projectDir = newProjectDir();
    const inputs = await checked({ projectDir, interpreter: "lua5.4" });
    const created = await impl.create(inputs);
    const tree = join(projectDir, "lua_modules");
    expect(created.id).toBe(tree);
    expect(created.outs).toEqual({
      interpreter: "lua5.4",
      projectDir,
      tree,
      interpreterPath: expect.stringMatching(/^\/.*\/lua5\.4$/),
      luaVersion: "5.4",
      interpreterVersion: expect.stringMatching(/^5\.4\.\d+$/),
      treePath: tree,
      luaPath: `${tree}/share/lua/5.4/?.lua;${tree}/share/lua/5.4/?/init.lua;;`,
      luaCPath: `${tree}/lib/lua/5.4/?.so;;`,
      target: { kind: "local", tree, luaVersion: "5.4" },
      createdTree: true,
    });
    expect(existsSync(tree)).toBe(true);

    // The luaPath output really makes require() look in the tree.
    mkdirSync(join(tree, "share/lua/5.4"), { recursive: true });
    await localTarget().writeFile(join(tree, "share/lua/5.4/hello.lua"), 'return { word = "from the tree" }');
    const run = await localTarget().exec([created.outs!.interpreterPath, "-e", 'print(require("hello").word)'], {
      env: { LUA_PATH: created.outs!.luaPath, LUA_CPATH: created.outs!.luaCPath },
      timeoutMs: 20_000,
    });
    expect(run.stdout.trim()).toBe("from the tree");

    const read = await impl.read(created.id, created.outs!);
    expect(read.id).toBe(tree);
    expect(read.props).toEqual(created.outs);
    expect(read.inputs).toEqual({ interpreter: "lua5.4", projectDir, tree });

    await impl.delete(created.id, created.outs!);
    expect(existsSync(tree)).toBe(false);
    expect(existsSync(projectDir)).toBe(true);
  });

  it("keeps a tree it did not create, and reads a removed tree as gone", async () => {
    const projectDir = newProjectDir();
    const tree = join(projectDir, "rocks");
    mkdirSync(tree);
    const created = await impl.create(await checked({ projectDir, tree: "rocks" }));
    expect(created.outs).toMatchObject({ createdTree: false, treePath: tree });
    await impl.delete(created.id, created.outs!);
    expect(existsSync(tree)).toBe(true);

    rmSync(tree, { recursive: true });
    expect(await impl.read(created.id, created.outs!)).toEqual({});
  });

  it("updates to another interpreter in place, keeping createdTree", async () => {
    const projectDir = newProjectDir();
    const created = await impl.create(await checked({ projectDir }));
    expect(created.outs).toMatchObject({ luaVersion: "5.4", createdTree: true });
    const news = await checked({ projectDir, interpreter: "lua5.1" });
    expect((await impl.diff(created.id, created.outs!, news)).changes).toBe(true);
    const updated = await impl.update(created.id, created.outs!, news);
    expect(updated.outs).toMatchObject({
      interpreter: "lua5.1",
      luaVersion: "5.1",
      interpreterPath: expect.stringMatching(/lua5\.1$/),
      target: { kind: "local", tree: join(projectDir, "lua_modules"), luaVersion: "5.1" },
      createdTree: true,
    });
    expect(await impl.diff(created.id, updated.outs!, news)).toMatchObject({ changes: false });
    await impl.delete(created.id, updated.outs!);
    expect(existsSync(join(projectDir, "lua_modules"))).toBe(false);
  });

  it("removes the folders it made when the tree itself cannot be made", async () => {
    const made = join(newProjectDir(), "new-parent");
    const tree = join(made, "deeper", "x".repeat(300)); // the last name is too long for the file system
    const attempt = impl.create(await checked({ tree }));
    await expect(attempt).rejects.toThrow(/could not create the rocks tree .*ENAMETOOLONG.*the folders made were removed again/);
    expect(existsSync(made)).toBe(false);
  });

  it("fails with advice and makes nothing when the interpreter does not exist", async () => {
    const projectDir = newProjectDir();
    const inputs = await checked({ projectDir, interpreter: "/nonexistent/lua9" });
    await expect(impl.create(inputs)).rejects.toThrow(/no Lua interpreter found \(tried \/nonexistent\/lua9\)/);
    expect(existsSync(join(projectDir, "lua_modules"))).toBe(false);
  });
});
