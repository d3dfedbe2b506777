import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStack } from "../../examples/pulumi-local/program";
import { startRocksServer, type RocksServer } from "../../scripts/support/rocks-server";
import { SAMPLE_FASTA, WORKLOAD_ROCK_DIR } from "../../scripts/support/workload-files";
import { Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, makeTempHome, type TempHome } from "../support/engine-suite";
import { mutations } from "../provider/support/engine-checks";

const run = promisify(execFile);

let server: RocksServer;
let program: ProgramDir;
let temp: TempHome;

beforeAll(async () => {
  temp = makeTempHome("bioxen-example-pulumi-local-");
  mkdirSync(join(temp.dir, "project"));
  program = checkoutProgramDir();
  server = await startRocksServer([WORKLOAD_ROCK_DIR]);
});
afterAll(() => finishEngineSuite({ program, servers: [server], folders: [temp?.dir] }));

describe("examples/pulumi-local through the real dynamic-provider host", () => {
  it("installs bioxen-seq into a project-local tree whose command then reports the FASTA file, is stable, and destroys cleanly", async () => {
    const engine = new Engine({
      project: "bioxen-pulumi-local",
      programDir: program.dir,
      // luarocks keeps its download cache under $HOME: keep it in this test's folder.
      host: { env: { HOME: temp.home } },
    });
    const stack = () => void localStack({ rocksServer: server.url, projectDir: join(temp.dir, "project") });

    const up = await engine.up(stack);
    expect(mutations(up)).toEqual(["create lua", "create bioxen-seq"]);
    const outputs = (name: string) => engine.state.find((r) => r.urn.endsWith(`::${name}`))!.outputs as Record<string, unknown>;
    const tree = join(temp.dir, "project", "lua_modules");
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
