import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExample } from "./run-example";

describe("examples/basic-usage.ts", () => {
  it("runs a chunk, a file, a session and the workload rock on a local VM, then leaves nothing behind", async () => {
    const run = await runExample(["node_modules/.bin/tsx", "examples/basic-usage.ts"], 120_000);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vm: basic \(local\) lua\S* 5\.\d\.\d+, tree \/.+\/rocks$/),
        expect.stringMatching(/^chunk: 42\tLua 5\.\d$/),
        "file: hello, bioxen",
        "session: reads = 250",
        "package: bioxen-seq 1.0-1 installed",
        "workload: 4 records, k=3",
        "SYN_0001.1        980   66.33  GGG=45 CCC=39 CGG=39",
        "SYN_0003.1        860   47.54  GTG=21 TCG=21 TTT=21",
        "package: bioxen-seq 1.0-1 removed; installed now: 0",
        "cleanup: VM destroyed, rocks server stopped",
      ]),
    );
    const tree = /tree (\/.+)\/rocks$/m.exec(run.stdout)![1]!;
    expect(existsSync(tree)).toBe(false);
    expect(run.leftInTmp).toEqual([]);
  }, 120_000);
});
