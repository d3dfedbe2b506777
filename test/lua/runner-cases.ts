import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRunner } from "../../sdk/lua";
import type { Target } from "../../sdk/target/types";
import { markedProgram, processesMatching, uniqueMarker } from "../target/processes";

/**
 * LuaRunner cases shared by the local and SSH suites. The target must run on this machine (the
 * SSH suite uses a loopback sshd), so files and pgrep checks see the same processes.
 */
export function defineRunnerCases(interpreter: string, getTarget: () => Target): void {
  describe(`LuaRunner with ${interpreter}`, () => {
    let dir: string;
    let runner: LuaRunner;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "bioxen-lua-"));
      runner = new LuaRunner(getTarget(), { interpreter });
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("prints returned values like the REPL", async () => {
      expect((await runner.runChunk("return 2 + 2")).stdout).toBe("4\n");
      const several = await runner.runChunk("print('before') return 1, nil, 'x', true");
      expect(several).toMatchObject({ stdout: "before\n1\tnil\tx\ttrue\n", stderr: "", exitCode: 0, timedOut: false });
      expect((await runner.runChunk("local y = 1")).stdout).toBe("");
    });

    it("exits non-zero with the error and a traceback on stderr", async () => {
      const result = await runner.runChunk("local function inner() error('boom') end\ninner()", { chunkName: "job.lua" });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("lua: job.lua:1: boom");
      expect(result.stderr).toContain("stack traceback:");
      expect(result.stderr).toMatch(/job\.lua:2: in main chunk/);
      const syntax = await runner.runChunk("x = = 1");
      expect(syntax.exitCode).toBe(1);
      expect(syntax.stderr).toMatch(/unexpected symbol/);
      expect((await runner.runChunk("os.exit(7)")).exitCode).toBe(7);
    });

    it("passes args as arg[] and ..., without any shell interpretation", async () => {
      const args = ["plain", "two words", "$HOME", "'; rm -rf / #", ">seq"];
      const result = await runner.runChunk("local n = select('#', ...) return arg[0], n, table.concat(arg, '|')", {
        args,
        chunkName: "named",
      });
      expect(result.stdout).toBe(`named\t5\t${args.join("|")}\n`);
    });

    it("leaves stdin to the chunk", async () => {
      const fasta = ">seq1 first\nACGT\n>seq2 second\nGGCC\n";
      const result = await runner.runChunk("local n = 0 for line in io.lines() do if line:sub(1, 1) == '>' then n = n + 1 end end return n", {
        stdin: fasta,
      });
      expect(result.stdout).toBe("2\n");
      expect((await runner.runChunk("return io.read('*a')", { stdin: "" })).stdout).toBe("\n");
    });

    it("keeps FASTA lines that start with > intact", async () => {
      const fasta = ">seq1 Homo sapiens\nACGTACGT\n>seq2 > inside\n>>double\n";
      const result = await runner.runChunk("io.write(io.read('*a'))", { stdin: fasta });
      expect(result.stdout).toBe(fasta);
    });

    it("sets environment variables and the working directory", async () => {
      const result = await runner.runChunk("return os.getenv('BIOXEN_SAMPLE'), io.open('here.txt') ~= nil", {
        env: { BIOXEN_SAMPLE: "E. coli K-12" },
        cwd: dir,
      });
      expect(result.stdout).toBe("E. coli K-12\tfalse\n");
    });

    it("returns 10 MB of output whole", async () => {
      const result = await runner.runChunk("local line = string.rep('A', 1023) .. '\\n' for i = 1, 10 * 1024 do io.write(line) end");
      expect(result.stdout.length).toBe(10 * 1024 * 1024);
      expect(result.stdout.endsWith("A\n")).toBe(true);
    });

    it("runs a file on the target with the same behaviour", async () => {
      const path = join(dir, "script.lua");
      await writeFile(path, "print(arg[0] == ...)\nreturn ..., #arg\n");
      const result = await runner.runFile(path, { args: [path] });
      expect(result).toMatchObject({ stdout: `true\n${path}\t1\n`, exitCode: 0 });
      const missing = await runner.runFile(join(dir, "missing.lua"));
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toMatch(/missing\.lua/);
    });

    it("kills the interpreter and its children on timeout", async () => {
      const marker = uniqueMarker("lua-timeout");
      const marked = new LuaRunner(getTarget(), { interpreter: await markedProgram(dir, interpreter, marker) });
      const result = await marked.runChunk(`print('started') io.stdout:flush() os.execute('sleep 1000 && echo ${marker}')`, {
        deadline: 1000,
      });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).toBeNull();
      expect(result.stdout).toBe("started\n");
      expect(processesMatching(marker)).toBe("");
    });
  });
}
