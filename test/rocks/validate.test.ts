import { describe, expect, it } from "vitest";
import {
  compareVersions,
  highestVersion,
  RockInputError,
  satisfiesConstraint,
  validateConstraint,
  validateRockName,
  validateRockVersion,
  validateServer,
  validateTreePath,
  versionsEqual,
} from "../../sdk/rocks";
import { parseDependencyNames, parseListPorcelain, parseSearchPorcelain } from "../../sdk/rocks/porcelain";

const HOSTILE = [
  "",
  "a;rm -rf /",
  "$(id)",
  "`id`",
  "a'b",
  'a"b',
  "a\nb",
  "a b",
  "-rf",
  "--tree=/",
  "ünïcode",
  "a\u0000b",
  "alpha.rockspec",
  "../alpha",
];

describe("rock input validation", () => {
  it("accepts luarocks-style names and rejects hostile ones, naming field and value", () => {
    for (const name of ["alpha", "lua-cjson", "luasocket", "bx-pool-01", "lpeg_patterns", "a.b", "30log"]) {
      expect(validateRockName(name)).toBe(name);
    }
    for (const bad of [...HOSTILE, "Alpha", "_x", ".x"]) {
      const error = captureError(() => validateRockName(bad));
      expect(error).toBeInstanceOf(RockInputError);
      expect(error.message).toContain("name");
      expect(error.message).toContain(JSON.stringify(bad));
    }
  });

  it("accepts versions with and without revision and rejects others", () => {
    for (const version of ["1.2", "1.2-1", "2.0.0-3", "scm-1", "dev-1", "1.0rc1-2", "0.1"]) {
      expect(validateRockVersion(version)).toBe(version);
    }
    for (const bad of [...HOSTILE.filter((v) => v !== "alpha.rockspec"), "1.2-", "1..2", ">= 1.0", "1.2-1-1x"]) {
      expect(() => validateRockVersion(bad)).toThrow(/invalid LuaRocks version/);
    }
  });

  it("parses constraints and rejects unknown operators or junk", () => {
    expect(validateConstraint(">= 1.0, < 2")).toEqual([
      { op: ">=", version: "1.0" },
      { op: "<", version: "2" },
    ]);
    expect(validateConstraint("~> 1.2")).toEqual([{ op: "~>", version: "1.2" }]);
    for (const bad of ["1.0", "=> 1", ">= 1.0;", ">= $(id)", ">= 1\n< 2", "", ">=", ">= 1,,< 2"]) {
      expect(() => validateConstraint(bad)).toThrow(/invalid LuaRocks constraint/);
    }
  });

  it("accepts http(s)/file URLs and absolute paths as servers only", () => {
    for (const server of ["https://luarocks.org", "http://127.0.0.1:8080/abc/", "file:///srv/rocks", "/srv/rocks"]) {
      expect(validateServer(server)).toBe(server);
    }
    for (const bad of ["ftp://x", "rocks", "http://user:pw@host/", "http://h/a?b=1", "http://h/$(id)", "http://h/a b", "/srv/../etc", "-x", "http://h/a;b"]) {
      expect(() => validateServer(bad)).toThrow(/invalid LuaRocks server/);
    }
  });

  it("accepts absolute plain tree paths only", () => {
    expect(validateTreePath("/home/u/.luarocks")).toBe("/home/u/.luarocks");
    for (const bad of ["relative/tree", "/a/../b", "/a b", "/a;b", "/a\nb", "~/tree", "/tmp/ü"]) {
      expect(() => validateTreePath(bad)).toThrow(/invalid LuaRocks tree.path/);
    }
  });
});

describe("version order (luarocks semantics)", () => {
  it("orders numbers, words and revisions like luarocks", () => {
    expect(compareVersions("2.0-1", "1.10-1")).toBeGreaterThan(0);
    expect(compareVersions("1.10", "1.9")).toBeGreaterThan(0);
    expect(compareVersions("1.0rc1", "1.0")).toBeLessThan(0);
    expect(compareVersions("scm-1", "99.0-1")).toBeGreaterThan(0);
    expect(compareVersions("1.0-2", "1.0-1")).toBeGreaterThan(0);
    expect(versionsEqual("1.2", "1.2-3")).toBe(true);
    expect(versionsEqual("1.2-1", "1.2-3")).toBe(false);
    expect(highestVersion(["1.0-1", "2.0-1", "1.5-1"])).toBe("2.0-1");
  });

  it("evaluates constraints", () => {
    const range = validateConstraint(">= 1.0, < 2");
    expect(satisfiesConstraint("1.0-1", range)).toBe(true);
    expect(satisfiesConstraint("2.0-1", range)).toBe(false);
    expect(satisfiesConstraint("1.2.3-1", validateConstraint("~> 1.2"))).toBe(true);
    expect(satisfiesConstraint("1.3-1", validateConstraint("~> 1.2"))).toBe(false);
    expect(satisfiesConstraint("1.0-1", validateConstraint("~= 1.0"))).toBe(false);
  });
});

describe("porcelain parsing", () => {
  it("reads list and search records and ignores everything else", () => {
    const list = "alpha\t1.0-1\tinstalled\t/t/lib/luarocks/rocks-5.4\nWarning: junk\n\nbeta\t1.0-1\tinstalled\t/t\n";
    expect(parseListPorcelain(list)).toEqual([
      { name: "alpha", version: "1.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);
    const search = "alpha\t2.0-1\tsrc\thttp://h/r\nlua\t5.4-1\tinstalled\tprovided by VM or rocks_provided\n";
    expect(parseSearchPorcelain(search)).toEqual([{ name: "alpha", version: "2.0-1", arch: "src", repo: "http://h/r" }]);
  });

  it("reads the rock names of `luarocks show --deps`, without lua itself or repeats", () => {
    expect(parseDependencyNames("lua >= 5.1\nalpha >= 1.0\nlpeg\nalpha < 3\n\nWarning: x y\n")).toEqual(["alpha", "lpeg"]);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}
