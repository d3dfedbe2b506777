import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LuaRunner, LuaSessionError, type LuaSession } from "../../sdk/lua";
import type { Target } from "../../sdk/target/types";
import { heldBy } from "../support/signal-probe";
import { markedProgram, processesMatching, uniqueMarker } from "../target/processes";

/** LuaSession cases shared by the local and SSH suites (the target must be this machine). */
export function defineSessionCases(interpreter: string, getTarget: () => Target): void {
  describe(`LuaSession with ${interpreter}`, () => {
    let dir: string;
    let marker: string;
    let session: LuaSession;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "bioxen-lua-session-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await session.close();
      expect(processesMatching(marker)).toBe("");
    });
    /** A session whose process carries a unique marker in its command line. */
    async function openMarkedSession(): Promise<LuaSession> {
      marker = uniqueMarker("lua-session");
      const runner = new LuaRunner(getTarget(), { interpreter: await markedProgram(dir, interpreter, marker) });
      session = await runner.openSession({ timeoutMs: 20_000 });
      return session;
    }

    it("leaves nothing on a long-lived signal given to every call", async () => {
      const lua = await openMarkedSession();
      const appLifetime = new AbortController().signal;
      for (let i = 0; i < 100; i += 1) expect((await lua.eval(`return ${i}`, { signal: appLifetime })).values).toEqual([String(i)]);
      expect(heldBy(appLifetime)).toEqual({ listeners: 0, dependants: 0 });
    });

    it("keeps globals and top-level locals between calls", async () => {
      const lua = await openMarkedSession();
      await lua.eval("local x = 1");
      expect((await lua.eval("return x + 1")).values).toEqual(["2"]);
      await lua.eval("local a, b = 10, 20\nlocal c");
      expect((await lua.eval("return a, b, c")).values).toEqual(["10", "20", "nil"]);
      await lua.eval("local function fact(n) if n < 2 then return 1 end return n * fact(n - 1) end");
      expect((await lua.eval("fact(5)")).values).toEqual(["120"]);
      await lua.eval("g = 'global'");
      expect((await lua.eval("g .. '!'")).values).toEqual(["global!"]);
      await lua.eval("function h() local hidden = 5 return hidden end");
      expect((await lua.eval("return hidden, h()")).values).toEqual(["nil", "5"]);
    });

    it("captures print and io.write output per call", async () => {
      const lua = await openMarkedSession();
      const first = await lua.eval("print('one', nil, 3) io.write('w', 1) io.stdout:write('s') io.stderr:write('err')");
      expect(first).toEqual({ ok: true, values: [], stdout: "one\tnil\t3\nw1s", stderr: "err" });
      const second = await lua.eval("print('>two') return 'v'");
      expect(second).toEqual({ ok: true, values: ["v"], stdout: ">two\n", stderr: "" });
      const big = await lua.eval("io.write(string.rep('>ACGT\\n', 200000))");
      expect(big.stdout.length).toBe(6 * 200000);
      expect((await lua.eval("os.execute('echo from-child')")).stdout).toBe("from-child\n");
    });

    it("reports Lua errors as results and keeps the session alive", async () => {
      const lua = await openMarkedSession();
      await lua.eval("kept = 42");
      const failed = await lua.eval("print('partial') error('bad thing')");
      expect(failed.ok).toBe(false);
      expect(failed.stdout).toBe("partial\n");
      expect(failed.error).toMatch(/^eval:1: bad thing\nstack traceback:/);
      const syntax = await lua.eval("x = = 1");
      expect(syntax.ok).toBe(false);
      expect(syntax.error).toMatch(/unexpected symbol/);
      expect((await lua.eval("kept")).values).toEqual(["42"]);
      expect((await lua.eval("io.read('*l')")).values).toEqual(["nil"]); // stdin is the request channel
    });

    it("kills the process on timeout and starts fresh on the next call", async () => {
      const lua = await openMarkedSession();
      await lua.eval("state = 'old'");
      const stuck = lua.eval("os.execute('sleep 1000') while true do end", { deadline: 1000 });
      await expect(stuck).rejects.toMatchObject({ name: "LuaSessionError", reason: "timeout" });
      await expect(stuck).rejects.toThrow(/timed out after 1000 ms.*globals and locals are lost/);
      expect(processesMatching(marker)).toBe("");
      expect((await lua.eval("return state")).values).toEqual(["nil"]);
    });

    it("reports process death clearly and recovers", async () => {
      const lua = await openMarkedSession();
      const died = lua.eval("io.stderr:write('dying') os.exit(3)");
      await expect(died).rejects.toBeInstanceOf(LuaSessionError);
      await expect(died).rejects.toMatchObject({ reason: "exited" });
      await expect(died).rejects.toThrow(/exit code 3.*fresh process/);
      expect((await lua.eval("1 + 1")).values).toEqual(["2"]);
    });

    it("honours an abort signal", async () => {
      const lua = await openMarkedSession();
      await lua.eval("started = true");
      const controller = new AbortController();
      const running = lua.eval("while true do end", { signal: controller.signal });
      setTimeout(() => controller.abort(), 100); // usually mid-loop; an earlier abort is also valid
      await expect(running).rejects.toMatchObject({ reason: "aborted" });
      expect(processesMatching(marker)).toBe("");
      expect((await lua.eval("started")).values).toEqual(["nil"]);
      expect((await lua.eval("'after'")).values).toEqual(["after"]);
    });

    it("serializes concurrent calls in order", async () => {
      const lua = await openMarkedSession();
      const calls = Array.from({ length: 20 }, () => lua.eval("counter = (counter or 0) + 1 return counter"));
      const results = await Promise.all(calls);
      expect(results.map((r) => r.values[0])).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    });

    it("rejects calls after close", async () => {
      const lua = await openMarkedSession();
      await lua.eval("1");
      await lua.close();
      expect(processesMatching(marker)).toBe("");
      await expect(lua.eval("1")).rejects.toMatchObject({ reason: "closed" });
    });
  });
}
