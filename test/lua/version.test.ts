import { describe, expect, it } from "vitest";
import { LuaInterpreterNotFoundError, LuaRunner, parseLuaBanner } from "../../sdk/lua";
import { localTarget } from "../../sdk/target/local";

describe("Lua interpreter detection", () => {
  it("picks the first default interpreter found (lua5.4 here)", async () => {
    const info = await new LuaRunner(localTarget()).version();
    expect(info).toMatchObject({ interpreter: "lua5.4", languageVersion: "5.4" });
    expect(info.version).toMatch(/^5\.4\.\d+$/);
  });

  it("reports lua5.1 (banner on stderr) and an explicit path", async () => {
    expect(await new LuaRunner(localTarget(), { interpreter: "lua5.1" }).version()).toMatchObject({
      interpreter: "lua5.1",
      version: expect.stringMatching(/^5\.1\.\d+$/),
      languageVersion: "5.1",
    });
    const byPath = new LuaRunner(localTarget(), { interpreter: "/usr/bin/lua5.4" });
    expect(await byPath.version()).toMatchObject({ interpreter: "/usr/bin/lua5.4", languageVersion: "5.4" });
    expect((await byPath.runChunk("return _VERSION")).stdout).toBe("Lua 5.4\n");
  });

  it("reads LuaJIT banners as language 5.1", () => {
    expect(parseLuaBanner("luajit", "LuaJIT 2.1.0-beta3 -- Copyright (C) 2005-2017 Mike Pall.")).toEqual({
      interpreter: "luajit",
      version: "2.1.0-beta3",
      languageVersion: "5.1",
    });
    expect(parseLuaBanner("x", "Python 3.11")).toBeUndefined();
  });

  it("fails clearly when the interpreter is missing", async () => {
    const runner = new LuaRunner(localTarget(), { interpreter: "lua9.9" });
    const failure = runner.runChunk("return 1");
    await expect(failure).rejects.toBeInstanceOf(LuaInterpreterNotFoundError);
    await expect(failure).rejects.toThrow(/local: no Lua interpreter found \(tried lua9\.9\)/);
    await expect(runner.openSession()).rejects.toMatchObject({ code: "BIOXEN_LUA_NOT_FOUND" });
  });

  it("rejects interpreter names that are not plain commands or paths", async () => {
    await expect(new LuaRunner(localTarget(), { interpreter: "lua5.4 -e os.exit()" }).version()).rejects.toThrow(
      /not a valid command name or path/,
    );
  });
});
