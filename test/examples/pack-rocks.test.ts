import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVm } from "../../sdk/vm";
import { runExample } from "./run-example";

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "bioxen-pack-rocks-test-"));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe("scripts/pack-rocks.ts", () => {
  it("packs bioxen-seq into a repository directory that luarocks installs from", async () => {
    const repo = join(temp, "repo");
    const run = await runExample(["node_modules/.bin/tsx", "scripts/pack-rocks.ts", repo], 60_000);
    expect(run).toMatchObject({ code: 0, stdout: `${repo}\n`, stderr: "", leftInTmp: [] });
    expect((await readdir(repo)).filter((f) => f.endsWith(".rock"))).toEqual(["bioxen-seq-1.0-1.src.rock"]);

    const vm = await createVm("packed", { rocksServers: [repo], parentDir: temp });
    try {
      expect(await vm.packages.install("bioxen-seq")).toEqual({ name: "bioxen-seq", version: "1.0-1" });
      expect((await vm.execute('return require("bioxen_seq").gc_content("ATGC")')).stdout).toBe("0.5\t4\n");
    } finally {
      await vm.destroy();
    }
  }, 60_000);

  it("says how to call it when the directory is missing", async () => {
    const run = await runExample(["node_modules/.bin/tsx", "scripts/pack-rocks.ts"], 60_000);
    expect(run).toMatchObject({ code: 1, stdout: "", stderr: "pack-rocks failed: usage: npx tsx scripts/pack-rocks.ts <repository directory>\n" });
  }, 60_000);
});
