import { execFile } from "node:child_process";
import { access, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LuaSessionHost, type AttachedSession, type LuaSessionHostOptions, type SessionEvent } from "../../sdk/lua";
import type { Target } from "../../sdk/target/types";
import { markedProgram, processesMatching, uniqueMarker } from "../target/processes";

const REPO_ROOT = resolve(__dirname, "../..");

/** How a suite reaches the machine: its target, a way to drop its connections, and how a later process connects. */
export interface AttachableSuiteTarget {
  target: () => Target;
  /** Closes the target's connections, so that the next call connects afresh. */
  reconnect: () => Promise<void>;
  /** Environment for a later client process (BIOXEN_TEST_SSH for SSH). */
  laterClientEnv: () => NodeJS.ProcessEnv;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** Waits (polling the file system every 20 ms, at most 20 s) until `path` exists. */
async function fileAppears(path: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    if (await exists(path)) return;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`${path} did not appear within 20 s`);
}

/** Runs the later-client script in its own Node process (tsx's cache goes to `tmp`, removed with it). */
function attachFromLaterProcess(tmp: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<{ values: string[]; earlier: string[]; types: string[] }> {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, ["--import", "tsx", "test/lua/support/attach-later.ts", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env, TMPDIR: tmp }, timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`later client failed: ${stderr || error.message}`));
      else resolveRun(JSON.parse(stdout) as { values: string[]; earlier: string[]; types: string[] });
    });
  });
}

const texts = (events: readonly SessionEvent[], type: SessionEvent["type"]) => events.flatMap((e) => (e.type === type && "text" in e ? [e.text] : []));

/** Attachable-session cases shared by the local and SSH suites (the target must be this machine). */
export function defineAttachableCases(interpreter: string, suite: AttachableSuiteTarget): void {
  describe(`attachable Lua sessions with ${interpreter}`, () => {
    let dir: string;
    let sessionsDir: string;
    let marker: string;
    let lua: string;
    const attachments: AttachedSession[] = [];
    const namespace = "vm-a";

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "bioxen-attachable-"));
      sessionsDir = join(dir, "sessions");
    });
    afterEach(async () => {
      const host = newHost();
      for (const { name } of await host.list()) await host.kill(name);
      await Promise.allSettled(attachments.splice(0).map((a) => a.detach()));
      expect(processesMatching(marker)).toBe("");
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    function newHost(options: Partial<LuaSessionHostOptions> = {}): LuaSessionHost {
      return new LuaSessionHost(suite.target(), lua, { namespace, dir: sessionsDir, timeoutMs: 30_000, ...options });
    }
    async function markInterpreter(): Promise<void> {
      marker = uniqueMarker("attachable");
      lua = await markedProgram(dir, interpreter, marker);
    }
    const track = (attachment: AttachedSession) => (attachments.push(attachment), attachment);

    it("keeps globals and locals across detach and a re-attach over a new connection, and from a later process", async () => {
      await markInterpreter();
      const host = newHost();
      const first = track(await host.create("lab"));
      expect(first.id).toBe("vm-a/lab");
      await first.eval("local gc = 0.42\nfunction double(x) return 2 * x end\ncounter = 1");
      await first.detach();
      expect(first.attached).toBe(false);
      expect(processesMatching(marker)).toMatch(/-e/); // the session runs on without a client

      await suite.reconnect();
      const second = track(await newHost().attach("lab"));
      expect((await second.eval("counter = counter + 1 return gc, double(21), counter")).values).toEqual(["0.42", "42", "2"]);
      await second.send("local t = os.clock() while os.clock() - t < 0.2 do end print('made while detached', counter)");
      await second.detach();
      await suite.reconnect();

      const later = await attachFromLaterProcess(dir, suite.laterClientEnv(), [lua, sessionsDir, namespace, "lab", "counter + 1, gc"]);
      expect(later.earlier).toEqual(["made while detached\t2\n"]);
      expect(later.values).toEqual(["3", "0.42"]);
      expect((await newHost().list()).map((s) => s.id)).toEqual(["vm-a/lab"]);
    });

    it("keeps its socket private: mode 0600 in directories of mode 0700", async () => {
      await markInterpreter();
      track(await newHost().create("private"));
      expect((await stat(join(sessionsDir, namespace, "private.sock"))).mode & 0o777).toBe(0o600);
      expect((await stat(join(sessionsDir, namespace))).mode & 0o777).toBe(0o700);
      expect((await stat(sessionsDir)).mode & 0o777).toBe(0o700);
    });

    it("delivers output made while detached, and within the buffer limit keeps the newest", async () => {
      await markInterpreter();
      const host = newHost({ bufferBytes: 1024 });
      const go = join(dir, `go-${marker}`);
      const finished = join(dir, `finished-${marker}`);
      const session = track(await host.create("chatty"));
      await session.send(
        `while not io.open(${JSON.stringify(go)}) do end\n` +
          `for i = 1, 400 do print(string.format(">line %03d", i)) end\n` +
          `io.open(${JSON.stringify(finished)}, "w"):close()`,
      );
      await session.detach();
      await writeFile(go, "");
      await fileAppears(finished);

      const back = track(await host.attach("chatty"));
      const events = await back.read({ until: "done" });
      const lost = events.find((e) => e.type === "lost");
      expect(lost).toMatchObject({ type: "lost" });
      const stdout = texts(events, "stdout");
      expect(stdout.at(-1)).toBe(">line 400\n");
      expect((lost as { events: number }).events + stdout.length).toBe(400);
      expect(stdout.join("").length).toBeLessThan(1024);
      expect(events.at(-1)).toMatchObject({ type: "done", ok: true });
      expect((await back.eval("'still here'")).values).toEqual(["still here"]);
    });

    it("waits for the rest of an unfinished chunk, like the lua REPL", async () => {
      await markInterpreter();
      const session = track(await newHost().create("multi"));
      expect((await session.send("local function add(a, b)")).more).toBe(true);
      expect((await session.send("  local sum = a + b")).more).toBe(true);
      expect((await session.send("  return sum")).more).toBe(true);
      const closing = await session.send("end");
      expect(closing.more).toBe(false);
      const more = { type: "more", chunk: expect.any(String) };
      expect(await session.read({ until: "done" })).toEqual([more, more, more, { type: "done", ok: true, chunk: closing.chunk }]);
      expect((await session.eval("add(2, 3), sum")).values).toEqual(["5", "nil"]);
      expect((await session.eval("s = [[first")).more).toBe(true);
      expect((await session.eval("second]]")).ok).toBe(true);
      expect((await session.eval("s")).values).toEqual(["first\nsecond"]);
      const wrong = await session.eval("x = = 1");
      expect(wrong.more).toBe(false);
      expect(wrong.error).toMatch(/unexpected symbol/);
    });

    it("tells printed output from returned values, reports errors with tracebacks, and passes bytes untouched", async () => {
      await markInterpreter();
      const session = track(await newHost().create("output"));
      const fasta = await session.eval("print('>seq1 Homo sapiens') print('ACGT') io.stderr:write('warn') return '>x', 2, nil");
      expect(fasta.stdout.toString()).toBe(">seq1 Homo sapiens\nACGT\n");
      expect(fasta.stderr.toString()).toBe("warn");
      expect(fasta.values).toEqual([">x", "2", "nil"]);
      expect(fasta.events.map((e) => e.type)).toEqual(["stdout", "stdout", "stderr", "value", "value", "value", "done"]);
      const bytes = await session.eval("io.write('\\0\\255\\254\\n>')");
      expect(bytes.stdout).toEqual(Buffer.from([0, 255, 254, 10, 62]));
      const failed = await session.eval("print('partial') local function inner() error('bad thing') end inner()");
      expect(failed.ok).toBe(false);
      expect(failed.stdout.toString()).toBe("partial\n");
      expect(failed.error).toMatch(/^input:1: bad thing\nstack traceback:\n[\s\S]*in (local|function) 'inner'/);
      expect((await session.eval("'alive'")).values).toEqual(["alive"]);
    });

    it("interrupts a running chunk without losing the session, and hands the session to a newer client", async () => {
      await markInterpreter();
      const host = newHost();
      const session = track(await host.create("busy"));
      await session.eval("kept = 'yes'");
      await session.send("while true do end");
      session.interrupt();
      const interrupted = await session.read({ until: "done" });
      expect(texts(interrupted, "error")[0]).toMatch(/interrupted!/);
      const newer = track(await host.attach("busy"));
      expect(await session.read({ until: "detached" })).toEqual([{ type: "detached", reason: "taken-over" }]);
      expect((await newer.eval("kept")).values).toEqual(["yes"]);
    });

    it("kills a session with everything it started, and leaves no socket or file", async () => {
      await markInterpreter();
      const sleeper = await markedProgram(dir, "sleep", `${marker}-sleep`);
      const host = newHost();
      const session = track(await host.create("doomed"));
      await session.send(`os.execute(${JSON.stringify(`${sleeper} 1000`)})`);
      expect(processesMatching(`${marker}-sleep`)).toMatch(/1000/);
      await session.kill();
      expect(await session.read({ until: "detached" })).toEqual([{ type: "detached", reason: "closed" }]);
      expect(processesMatching(marker)).toBe("");
      expect(await readdir(join(sessionsDir, namespace))).toEqual([]);
      expect(await host.list()).toEqual([]);
      await expect(host.attach("doomed")).rejects.toMatchObject({ name: "LuaSessionError", reason: "unknown" });
      await expect(host.kill("doomed")).rejects.toMatchObject({ reason: "unknown" });
      await expect(host.create("taken").then(track).then(() => host.create("taken"))).rejects.toMatchObject({ reason: "exists" });
    });

    it("refuses hostile session names and directories before anything runs on the target", async () => {
      await markInterpreter();
      const fresh = join(dir, "untouched");
      const host = newHost({ dir: fresh });
      const pwned = join(dir, "pwned");
      for (const name of ["../escape", "a/b", "$(touch " + pwned + ")", "x;touch " + pwned, "-rf", ".hidden", "", " ", "a\nb", "é", "x".repeat(64)]) {
        await expect(host.create(name)).rejects.toMatchObject({ name: "LuaSessionError", reason: "invalid" });
        await expect(host.attach(name)).rejects.toMatchObject({ reason: "invalid" });
        await expect(host.kill(name)).rejects.toMatchObject({ reason: "invalid" });
      }
      for (const options of [{ namespace: "../up" }, { namespace: "a/b" }, { dir: "relative/dir" }, { dir: `${dir}/../x` }, { dir: "/tmp/$(touch x)" }, { bufferBytes: 10 }]) {
        expect(() => new LuaSessionHost(suite.target(), lua, { namespace, ...options })).toThrow(expect.objectContaining({ reason: "invalid" }));
      }
      const deep = newHost({ dir: `${fresh}/${"d".repeat(80)}` });
      await expect(deep.create("fits-not")).rejects.toMatchObject({ reason: "invalid", message: expect.stringMatching(/Unix socket address/) });
      expect(await exists(fresh)).toBe(false);
      expect(await exists(pwned)).toBe(false);
      expect(processesMatching(marker)).toBe("");
    });
  });
}
