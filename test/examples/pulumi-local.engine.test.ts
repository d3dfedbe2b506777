import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStack } from "../../examples/pulumi-local/program";
import { startRocksServer, type RocksServer } from "../../scripts/support/rocks-server";
import { SAMPLE_FASTA, WORKLOAD_ROCK_DIR } from "../../scripts/support/workload-files";
import { Engine, createProgramDir, type OperationResult, type ProgramDir } from "../support/engine";

const run = promisify(execFile);
const MUTATING = ["create", "update", "delete"];

let server: RocksServer;
let program: ProgramDir;
let temp: string;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "bioxen-example-pulumi-local-"));
  mkdirSync(join(temp, "home"));
  mkdirSync(join(temp, "project"));
  program = createProgramDir({ "bioxen-luavm": resolve(__dirname, "../..") });
  server = await startRocksServer([WORKLOAD_ROCK_DIR]);
});
afterAll(async () => {
  await server?.stop();
  program?.remove();
  rmSync(temp, { recursive: true, force: true });
});

function mutations(result: OperationResult): string[] {
  return result.calls.filter((c) => MUTATING.includes(c.method)).map((c) => `${c.method} ${c.urn.split("::").pop()}`);
}

describe("examples/pulumi-local through the real dynamic-provider host", () => {
  it("installs bioxen-seq into a project-local tree whose command then reports the FASTA file, is stable, and destroys cleanly", async () => {
    const engine = new Engine({
      project: "bioxen-pulumi-local",
      programDir: program.dir,
      // luarocks keeps its download cache under $HOME: keep it in this test's folder.
      host: { env: { HOME: join(temp, "home") } },
    });
    const stack = () => void localStack({ rocksServer: server.url, projectDir: join(temp, "project") });

    const up = await engine.up(stack);
    expect(mutations(up)).toEqual(["create lua", "create bioxen-seq"]);
    const outputs = (name: string) => engine.state.find((r) => r.urn.endsWith(`::${name}`))!.outputs as Record<string, unknown>;
    const tree = join(temp, "project", "lua_modules");
    expect(outputs("lua").treePath).toBe(tree);
    expect(outputs("bioxen-seq")).toMatchObject({ name: "bioxen-seq", installedVersion: "1.0-1" });

    const report = await run(join(tree, "bin", "bioxen-seq"), ["-k", "3", "-n", "3", SAMPLE_FASTA], { timeout: 20_000 });
    expect(report.stdout).toContain("SYN_0001.1        980   66.33  GGG=45 CCC=39 CGG=39\n");

    expect(mutations(await engine.up(stack))).toEqual([]);

    const destroyed = await engine.destroy();
    expect(mutations(destroyed)).toEqual(["delete bioxen-seq", "delete lua"]);
    expect(engine.state).toEqual([]);
    expect(existsSync(tree)).toBe(false);
  }, 120_000);
});
