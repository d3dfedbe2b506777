import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localTarget } from "../../sdk/target/local";
import { processesMatching } from "./processes";

const target = localTarget();

describe("localTarget exec", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bioxen-local-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("identifies itself as local", () => {
    expect(target.key).toBe("local");
    expect(target.description).toBe("local");
  });

  it("passes argv without a shell and reports the exit code", async () => {
    const result = await target.exec(["sh", "-c", 'printf "%s|" "$@"; exit 3', "sh", "$HOME", "a b", "; rm -rf /"]);
    expect(result.stdout).toBe("$HOME|a b|; rm -rf /|");
    expect(result.exitCode).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.timedOut).toBe(false);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("feeds stdin and keeps stderr apart", async () => {
    const result = await target.exec(["sh", "-c", "cat; echo oops >&2"], { stdin: ">seq1\nACGT\n" });
    expect(result.stdout).toBe(">seq1\nACGT\n");
    expect(result.stderr).toBe("oops\n");
  });

  it("closes stdin when none is given, so readers see end of file", async () => {
    const result = await target.exec(["cat"]);
    expect(result).toMatchObject({ stdout: "", exitCode: 0 });
  });

  it("merges env over process.env and honours cwd", async () => {
    const result = await target.exec(["sh", "-c", 'echo "$BIOXEN_TEST_VAR:$(pwd)"; command -v sh'], {
      env: { BIOXEN_TEST_VAR: "value with spaces" },
      cwd: dir,
    });
    const [first, second] = result.stdout.trim().split("\n");
    expect(first).toBe(`value with spaces:${dir}`);
    expect(second).toMatch(/\/sh$/); // PATH still came from process.env
  });

  it("rejects invalid env names before starting anything", async () => {
    await expect(target.exec(["true"], { env: { "BAD-NAME": "x" } })).rejects.toThrow(/BAD-NAME.*invalid/);
  });

  it("collects 10 MB of output whole", async () => {
    const size = 10 * 1024 * 1024 + 7;
    const result = await target.exec(["head", "-c", String(size), "/dev/zero"]);
    expect(result.stdout.length).toBe(size);
  });

  it("ends with exit code 127 and the program name when it does not exist, 126 when it cannot be executed (as over SSH)", async () => {
    expect(await target.exec(["bioxen-no-such-program"])).toMatchObject({ exitCode: 127, stdout: "", stderr: "bioxen-no-such-program: not found\n", timedOut: false });
    expect(await target.exec(["/"])).toMatchObject({ exitCode: 126, stderr: "/: Permission denied\n" });
  });

  it("rejects a missing working folder, naming it", async () => {
    const failure = target.exec(["true"], { cwd: "/nonexistent/bioxen-cwd" });
    await expect(failure).rejects.toThrow(/cannot start in "\/nonexistent\/bioxen-cwd"/);
    await expect(failure).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("kills the whole process group on timeout", async () => {
    const marker = `bioxen-timeout-${process.pid}-${Date.now()}`;
    const script = 'sh -c "sleep 1000; : $0" "$0" & echo started; wait';
    const result = await target.exec(["sh", "-c", script, marker], { deadline: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe("SIGKILL");
    expect(result.stdout).toBe("started\n");
    expect(processesMatching(marker)).toBe("");
  });

  it("kills the whole process group on abort and rejects with AbortError", async () => {
    const marker = `bioxen-abort-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const running = target.exec(["sh", "-c", 'sh -c "sleep 1000; : $0" "$0" & wait', marker], {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("user gave up")), 200);
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    expect(processesMatching(marker)).toBe("");
  });

  it("refuses to start with an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(target.exec(["true"], { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("writes files with a mode", async () => {
    const path = join(dir, "script.lua");
    await target.writeFile(path, "print(1)\n", 0o600);
    expect(await readFile(path, "utf8")).toBe("print(1)\n");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await target.writeFile(path, "print(2)\n", { mode: 0o640 });
    expect(await readFile(path, "utf8")).toBe("print(2)\n");
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    await expect(target.writeFile(join(dir, "missing", "x"), "x")).rejects.toThrow(/cannot write/);
  });

  it("refuses to write with an already aborted signal, naming the path", async () => {
    const controller = new AbortController();
    controller.abort();
    const path = join(dir, "never.txt");
    await expect(target.writeFile(path, "x", { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError", message: expect.stringContaining(path) });
  });

  it("gives up on a write that cannot finish (a FIFO nobody reads) at its deadline", async () => {
    const fifo = join(dir, "stalled.fifo");
    execFileSync("mkfifo", [fifo]);
    try {
      const error = await target.writeFile(fifo, "stuck", { deadline: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "TimeoutError", message: expect.stringContaining(fifo) });
      expect((error as Error).message).toContain("300 ms");
    } finally {
      // Opening the read end wakes the abandoned open() (Linux counts reader opens), so no thread stays blocked.
      closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    }
  });
});

describe("localTarget spawn", () => {
  it("streams stdin and stdout of a long-lived process", async () => {
    const proc = await target.spawn(["cat"]);
    const firstChunk = new Promise<string>((resolve) => proc.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    proc.stdin.write("ping\n");
    expect(await firstChunk).toBe("ping\n");
    proc.stdin.end();
    expect(await proc.exited).toEqual({ exitCode: 0, signal: null });
  });

  it("kill() ends the process and everything it started", async () => {
    const marker = `bioxen-spawn-${process.pid}-${Date.now()}`;
    const proc = await target.spawn(["sh", "-c", 'sh -c "sleep 1000; : $0" "$0" & echo started; wait', marker]);
    await new Promise((resolve) => proc.stdout.once("data", resolve));
    expect(processesMatching(marker)).not.toBe("");
    await proc.kill();
    expect((await proc.exited).signal).toBe("SIGKILL");
    expect(processesMatching(marker)).toBe("");
  });

  it("a missing program is a process that exited 127, its message on stderr", async () => {
    const proc = await target.spawn(["bioxen-no-such-program"]);
    const stderr: Buffer[] = [];
    for await (const chunk of proc.stderr) stderr.push(chunk as Buffer);
    expect(Buffer.concat(stderr).toString()).toBe("bioxen-no-such-program: not found\n");
    expect(await proc.exited).toEqual({ exitCode: 127, signal: null });
    proc.stdin.end("ignored");
    await proc.kill();
  });
});
