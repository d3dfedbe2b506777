import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExample } from "./run-example";

describe("npm run demo (scripts/demo.sh → examples/integration-demo.ts on the simulator)", () => {
  it("creates a VM from a template, installs and runs the workload over SSH, prints the results and cleans up", async () => {
    // BIOXEN_XAPI_URL cleared: the demo must pick the embedded simulator.
    const run = await runExample(["bash", "scripts/demo.sh"], 240_000, { BIOXEN_XAPI_URL: "" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/^==> system packages present$/m);
    expect(out).toMatch(/^ {2}simulated XCP-ng pool at http:\/\/127\.0\.0\.1:\d+ /m);
    expect(out).toMatch(/^==> creating VM "bioxen-demo" from template "bioxen-lua-5\.4"$/m);
    expect(out).toMatch(/^ {2}VM [0-9a-f-]{36} at 127\.88\.\d+\.\d+, host key SHA256:\S+$/m);
    expect(out).toMatch(/^ {2}ssh:\/\/\S+@127\.88\.\d+\.\d+:\d+: lua5\.4 5\.4\.\d+$/m);
    expect(out).toMatch(/^ {2}chunk: 42\tLua 5\.4$/m);
    expect(out).toMatch(/^ {2}session: bases = 3523$/m);
    expect(out).toMatch(/^ {2}installed bioxen-seq 1\.0-1 into \/\S+\/\.luarocks$/m);
    expect(out).toContain("  SYN_0002.1        760   22.11  AAA=59 TAA=46 AAT=45\n");
    expect(out).toContain("  SYN_0004.1        640   50.94  AAT=17 TGC=16 CGG=15\n");
    expect(out).toMatch(/^ {2}4 records, 3240 bases; GC-richest: SYN_0001\.1 \(66\.33% GC\)$/m);
    expect(out).toMatch(/^ {2}VM destroyed\n {2}VMs left in the pool: 0\ndemo finished\n$/m);
    const uploaded = /^ {2}\$ bioxen-seq -k 3 -n 3 (\/\S+)\/sample\.fasta$/m.exec(out)![1]!;
    expect(existsSync(uploaded)).toBe(false);
    expect(run.leftInTmp).toEqual([]);
  }, 240_000);
});
