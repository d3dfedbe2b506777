import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshPoolStats, sshTarget, SshError, type SshTarget, type SshTargetOptions } from "../../sdk/ssh";
import { heldBy, probeSeesAbortSignalAny } from "../support/signal-probe";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";

let sshd: TestSshd;
let dir: string;
let target: SshTarget;

const options = (extra: Partial<SshTargetOptions> = {}): SshTargetOptions => sshTargetOptions(sshd, { dialTimeoutMs: 10_000, ...extra });

beforeAll(async () => {
  sshd = await startTestSshd({ maxSessions: 10 });
  dir = mkdtempSync(join(tmpdir(), "bioxen-exec-"));
  target = sshTarget(options());
});
afterAll(async () => {
  await closeAllSshConnections();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Processes on this machine whose command line contains `marker`. */
function processesMatching(marker: string): string {
  try {
    return execFileSync("pgrep", ["-af", marker]).toString();
  } catch {
    return ""; // pgrep exits 1 when nothing matches
  }
}

describe("exec over SSH", () => {
  it("delivers hostile argv byte-exact to the remote process", async () => {
    const words = ["a;b", "$(id)", "`id`", "it's", "\"dq\"", "line1\nline2", "ünïcødé ✓ 𝄞", "", " lead", "*", "$HOME", "-n", "\\"];
    const result = await target.exec(["printf", "%s\\0", ...words]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(words);
  });

  it("passes env, cwd and stdin", async () => {
    const result = await target.exec(["sh", "-c", 'printf "%s|%s|" "$GREETING" "$(pwd)"; cat'], {
      env: { GREETING: "it's $x" },
      cwd: dir,
      stdin: "from stdin\n",
    });
    expect(result.stdout).toBe(`it's $x|${dir}|from stdin\n`);
  });

  it("returns 10 MB of output whole, with '>' lines intact, and stderr separately", async () => {
    const script = 'head -c 10485760 /dev/zero | tr "\\0" "x"; printf "\\n> quoted\\n>> twice\\n"; echo err-line >&2';
    const result = await target.exec(["sh", "-c", script]);
    expect(result.stdout.length).toBe(10 * 1024 * 1024 + 19);
    expect(result.stdout.endsWith("x\n> quoted\n>> twice\n")).toBe(true);
    expect(result.stderr).toBe("err-line\n");
  });

  it("reports exit codes and signals", async () => {
    expect((await target.exec(["sh", "-c", "exit 7"])).exitCode).toBe(7);
    const killed = await target.exec(["sh", "-c", "kill -TERM $$"]);
    expect(killed.exitCode).toBeNull();
    expect(killed.signal).toBe("SIGTERM");
    expect((await target.exec(["/nonexistent/cmd"])).exitCode).toBe(127);
  });

  it("a timeout kills the whole remote process group", async () => {
    const marker = `bioxen-timeout-marker-${process.pid}`;
    const result = await target.exec(["sh", "-c", 'lua5.4 -e "while true do end" "$0" & sleep 600', marker], { deadline: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe("SIGKILL");
    expect(processesMatching(marker)).toBe("");
  });

  it("an abort kills the remote process and rejects with ABORTED", async () => {
    const marker = `bioxen-abort-marker-${process.pid}`;
    const controller = new AbortController();
    const pending = target.exec(["sh", "-c", 'sleep 600 & sleep 601; : "$0"', marker], { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 300);
    expect(((await pending) as SshError).reason).toBe("ABORTED");
    expect(processesMatching(marker)).toBe("");
  });

  it("a timeout also bounds the wait for a free channel", async () => {
    await closeAllSshConnections();
    const narrow = sshTarget(options({ maxSessions: 2 })); // one ordinary slot, one kept for kills
    const holder = await narrow.spawn(["sleep", "600"]);
    try {
      const result = await narrow.exec(["echo", "never"], { deadline: 300 });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).toBeNull();
      expect(result.stdout).toBe("");
    } finally {
      await holder.kill();
      await narrow.close();
    }
  });

  it("runs 20 concurrent commands over ONE connection (queued within MaxSessions)", async () => {
    await closeAllSshConnections();
    const shared = sshTarget(options({ privateKeyPath: sshd.privateKeyPath, privateKey: undefined }));
    const dialsBefore = sshPoolStats().dials;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => shared.exec(["sh", "-c", `sleep 0.2; echo ${i}`])));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
    expect(sshPoolStats().dials - dialsBefore).toBe(1);
    const mine = sshPoolStats().connections.filter((c) => c.target === shared.description && c.channelsOpened >= 20);
    expect(mine).toHaveLength(1);
    await shared.close();
  });

  it("closes idle connections and re-dials on the next call", async () => {
    await closeAllSshConnections();
    const idle = sshTarget(options({ idleCloseMs: 200 }));
    const pooled = () => sshPoolStats().connections.filter((c) => c.target === idle.description).length;
    await idle.exec(["true"]);
    expect(pooled()).toBe(1);
    for (let i = 0; i < 200 && pooled() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pooled()).toBe(0);
    const dialsBefore = sshPoolStats().dials;
    expect((await idle.exec(["echo", "again"])).stdout).toBe("again\n");
    expect(sshPoolStats().dials - dialsBefore).toBe(1);
  });

  it("runs a call made just as the idle close begins on a new connection (ssh2 would refuse it: Not connected)", async () => {
    await closeAllSshConnections();
    const idleMs = 150;
    const idle = sshTarget(options({ idleCloseMs: idleMs }));
    const path = join(dir, "after-idle-close.txt");
    const calls: Array<(n: number) => Promise<string>> = [
      async (n) => (await idle.exec(["echo", `exec ${n}`])).stdout,
      async (n) => {
        const child = await idle.spawn(["echo", `spawn ${n}`]);
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        await child.exited;
        return out;
      },
      async (n) => {
        await idle.writeFile(path, `write ${n}\n`);
        return readFileSync(path, "utf8");
      },
    ];
    for (const [n, call] of calls.entries()) {
      await idle.exec(["true"]); // its channel closing armed the idle timer
      const dialsBefore = sshPoolStats().dials;
      // A timer of the same length set later fires right after the idle one, in the same turn:
      // the close has begun (the socket is no longer writable) and its "close" event cannot have come.
      const out = await new Promise<string>((resolve, reject) => setTimeout(() => call(n).then(resolve, reject), idleMs));
      expect(out).toBe(`${["exec", "spawn", "write"][n]} ${n}\n`);
      expect(sshPoolStats().dials - dialsBefore).toBe(1); // the idle close did begin: the call needed a new connection
    }
    await idle.close();
  });

  it("runs a call waiting for a channel on a new connection when the server drops the old one", async () => {
    await closeAllSshConnections();
    const narrow = sshTarget(options({ maxSessions: 2 })); // one ordinary slot, one kept for kills
    const holder = await narrow.spawn(["sh", "-c", 'echo "$PPID"; exec sleep 600']);
    const serverSide = Number((await new Promise<Buffer>((resolve) => holder.stdout.once("data", resolve))).toString());
    const dialsBefore = sshPoolStats().dials;
    const queued = narrow.exec(["echo", "after the drop"], { deadline: 20_000 });
    await new Promise((r) => setTimeout(r, 100));
    process.kill(serverSide, "SIGKILL"); // the sshd process serving this connection
    const result = await queued;
    expect(result.stdout).toBe("after the drop\n");
    expect(sshPoolStats().dials - dialsBefore).toBe(1);
    await holder.exited;
    await narrow.close();
  });

  it("writes files over SFTP with the requested mode (options object or the older bare mode)", async () => {
    const path = join(dir, "written.lua");
    await target.writeFile(path, "print('hi')\n", 0o640);
    expect(readFileSync(path, "utf8")).toBe("print('hi')\n");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    await target.writeFile(path, Buffer.from("again"), { mode: 0o600 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("leaves nothing on a long-lived signal given to every exec, spawn and file write (no AbortSignal.any per call)", async () => {
    expect(probeSeesAbortSignalAny()).toBe(true);
    const appLifetime = new AbortController().signal;
    for (let i = 0; i < 200; i += 1) expect((await target.exec(["true"], { signal: appLifetime, deadline: 60_000 })).exitCode).toBe(0);
    for (let i = 0; i < 20; i += 1) await target.writeFile(join(dir, "held"), `write ${i}`, { signal: appLifetime, deadline: 60_000 });
    for (let i = 0; i < 20; i += 1) {
      const spawned = await target.spawn(["true"], { signal: appLifetime });
      spawned.stdin.end();
      expect((await spawned.exited).exitCode).toBe(0);
    }
    expect(readFileSync(join(dir, "held"), "utf8")).toBe("write 19");
    expect(heldBy(appLifetime)).toEqual({ listeners: 0, dependants: 0 });
  });

  it("spawns a process with streams, and kill() ends its process group", async () => {
    const marker = `bioxen-spawn-marker-${process.pid}`;
    const child = await target.spawn(["sh", "-c", 'sleep 600 & cat; : "$0"', marker]);
    const received = new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString())));
    child.stdin.write("ping\n");
    expect(await received).toBe("ping\n");
    await child.kill();
    const exit = await child.exited;
    expect(exit.signal).toBe("SIGTERM");
    expect(processesMatching(marker)).toBe("");
  });
});
