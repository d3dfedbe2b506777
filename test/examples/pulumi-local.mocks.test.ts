import { describe, expect, it } from "vitest";
import { installMocks, tokenOf, valueOf } from "./pulumi-mocks";

describe("examples/pulumi-local under Pulumi mocks", () => {
  it("declares LocalLua and the bioxen-seq LuaPackage on its target, and exports the report command", async () => {
    const registered = installMocks("bioxen-pulumi-local", "dev", { rocksServer: "http://127.0.0.1:9999/rocks" });
    const program = await import("../../examples/pulumi-local/index");
    const command = await valueOf(program.reportCommand);
    expect(await valueOf(program.workloadVersion)).toBe("1.0-1");

    expect(registered.map((r) => [r.type, r.name])).toEqual([
      [tokenOf("LocalLua"), "lua"],
      [tokenOf("LuaPackage"), "bioxen-seq"],
    ]);
    const [lua, workload] = registered;
    expect(lua!.inputs.interpreter).toBeUndefined();
    expect(workload!.inputs).toMatchObject({
      name: "bioxen-seq",
      version: "1.0-1",
      servers: ["http://127.0.0.1:9999/rocks"],
      target: { kind: "local", tree: "/home/dev/project/lua_modules", luaVersion: "5.4" },
    });
    for (const resource of registered) expect(String(resource.inputs.__provider)).toContain("bioxen-luavm/provider/impl/");
    expect(command).toBe("/home/dev/project/lua_modules/bin/bioxen-seq ../data/sample.fasta");
  });
});
