import { describe, expect, it } from "vitest";
import { check } from "../../provider/impl/vm-network";

/** Check failures must explain a refused value without repeating a secret it carries. */
describe("provider checks never echo credentials", () => {
  it.each([
    ["https://root:hunter2secret@pool.example", "https://***@pool.example"],
    ["ftp://root:hunter2secret@pool.example/x", "ftp://***@pool.example/x"],
    ["root:hunter2secret@pool.example", "***@pool.example"],
    ["https://root:pa/hunter2secret@pool.example", "https://***@pool.example"],
  ])("masks the credentials of connection.url %j", async (url, masked) => {
    const result = await check({}, { name: "lab", __owner: "proj/dev/VmNetwork/lab", connection: { url } });
    const failures = result.failures ?? [];
    expect(failures.map((f) => f.property)).toEqual(["connection.url"]);
    expect(failures[0]!.reason).toContain(masked);
    expect(JSON.stringify(failures)).not.toContain("hunter2secret");
  });
});

describe("check failures that show a rejected value mask URL credentials in it", () => {
  it("LuaPackage servers given as one string instead of a list", async () => {
    const { check: checkPackage } = await import("../../provider/impl/lua-package");
    const result = await checkPackage({}, {
      target: { kind: "local" },
      name: "alpha",
      servers: "https://deploy:hunter2secret@rocks.example/repo",
    });
    const failures = result.failures ?? [];
    expect(failures.map((f) => f.property)).toContain("servers");
    expect(JSON.stringify(failures)).not.toContain("hunter2secret");
    expect(JSON.stringify(failures)).toContain("***@rocks.example");
  });
});
