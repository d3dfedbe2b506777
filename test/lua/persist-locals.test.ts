import { describe, expect, it } from "vitest";
import { persistTopLevelLocals } from "../../sdk/lua";

describe("persistTopLevelLocals", () => {
  it("turns top-level locals into assignments", () => {
    expect(persistTopLevelLocals("local x = 1")).toBe("x = 1");
    expect(persistTopLevelLocals("local a, b = 1, 2")).toBe("a, b = 1, 2");
    expect(persistTopLevelLocals("local a, b")).toBe("a, b = nil");
    expect(persistTopLevelLocals("local function f() return 1 end")).toBe("function f() return 1 end");
    expect(persistTopLevelLocals("local k <const> = 2")).toBe("k = 2");
    expect(persistTopLevelLocals("local x = 1 local y = x")).toBe("x = 1 y = x");
  });

  it("leaves locals inside blocks and functions alone", () => {
    const source = "function f() local a = 1 end\nfor i = 1, 2 do local b = i end\nif c then local d end\nrepeat local e = 1 until e\nlocal z";
    expect(persistTopLevelLocals(source)).toBe(
      "function f() local a = 1 end\nfor i = 1, 2 do local b = i end\nif c then local d end\nrepeat local e = 1 until e\nz = nil",
    );
    expect(persistTopLevelLocals("local f = function() local inner = 1 end")).toBe("f = function() local inner = 1 end");
  });

  it("ignores the word local in strings and comments", () => {
    const source = "s = 'local x' -- local y\nt = [[\nlocal z]] --[==[ local w ]==] u = \"a\\\"local\"";
    expect(persistTopLevelLocals(source)).toBe(source);
  });

  it("keeps to-be-closed variables as real locals", () => {
    expect(persistTopLevelLocals("local h <close> = nil")).toBe("local h <close> = nil");
  });
});
