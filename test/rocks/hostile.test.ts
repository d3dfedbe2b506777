import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks, RockInputError, type LuaRocksOptions } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target/local";
import { makeTempDir, recordingTarget } from "./helpers";

const HOSTILE = ["a;touch /tmp/pwned", "$(id)", "`id`", "a'b", 'a"b', "a\nb", "a b", "-rf", "--tree=/", "ünï", "", "a\tb"];

let temp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir("hostile");
});
afterAll(async () => {
  await temp?.cleanup();
});

describe("hostile input is refused before anything runs", () => {
  it("refuses hostile rock names, versions and constraints in every operation", async () => {
    const target = recordingTarget(localTarget());
    const rocks = new LuaRocks(target, { tree: { path: `${temp.dir}/tree` }, servers: ["http://127.0.0.1:9/none"] });
    const attempts: Array<[string, () => Promise<unknown>]> = [];
    for (const bad of HOSTILE) {
      attempts.push(
        ["name", () => rocks.install(bad)],
        ["name", () => rocks.upgrade(bad)],
        ["name", () => rocks.downgrade(bad, { version: "1.0" })],
        ["name", () => rocks.remove(bad)],
        ["name", () => rocks.installed(bad)],
        ["name", () => rocks.search(bad)],
        ["name", () => rocks.resolve(bad)],
        ["version", () => rocks.install("alpha", { version: bad })],
        ["version", () => rocks.remove("alpha", { version: bad })],
        ["constraint", () => rocks.install("alpha", { constraint: `>= 1.0, ${bad}` })],
        ["constraint", () => rocks.resolve("alpha", `>= ${bad}`)],
      );
    }
    for (const [field, attempt] of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RockInputError);
      expect((error as RockInputError).field).toBe(field);
      expect((error as Error).message).toContain(`invalid LuaRocks ${field}`);
    }
    expect(target.calls).toEqual([]);
  });

  it("refuses hostile constructor options, naming the option and the value", () => {
    const target = recordingTarget(localTarget());
    const cases: Array<[string, LuaRocksOptions]> = [
      ["servers[1]", { servers: ["https://luarocks.org", "http://h/$(id)"] }],
      ["servers[0]", { servers: ["http://h/a b"] }],
      ["servers[0]", { servers: ["--only-server=x"] }],
      ["tree.path", { tree: { path: "relative" } }],
      ["tree.path", { tree: { path: "/tmp/a;b" } }],
      ["tree", { tree: "global" as never }],
      ["luarocksCommand", { luarocksCommand: "luarocks; id" }],
      ["luarocksCommand", { luarocksCommand: "-x" }],
      ["luaVersion", { luaVersion: "5.5" as never }],
      ["timeoutMs", { timeoutMs: -1 }],
    ];
    for (const [field, options] of cases) {
      let caught: unknown;
      try {
        new LuaRocks(target, options);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RockInputError);
      expect((caught as RockInputError).field).toBe(field);
    }
    expect(() => new LuaRocks(target, { env: { "BAD NAME": "x" } })).toThrow(/environment variable name/);
    expect(target.calls).toEqual([]);
  });
});
