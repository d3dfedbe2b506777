import { spawn } from "node:child_process";
import { access, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ClusterCreateError, VmManager } from "../../sdk/vm";

let parentDir: string;
const managers: VmManager[] = [];

beforeAll(async () => {
  parentDir = await mkdtemp(join(tmpdir(), "bioxen-vm-manager-"));
});

afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((m) => m.destroyAll()));
});

afterAll(async () => {
  if (parentDir) await rm(parentDir, { recursive: true, force: true });
});

function newManager(concurrency?: number): VmManager {
  const manager = new VmManager({ concurrency });
  managers.push(manager);
  return manager;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Marks itself started in a shared directory, waits until `limit` runs are in flight at once (or
 * every run has started), reports how many were in flight, and marks itself finished. With a
 * limit that is never reached the wait runs into its deadline and reports fewer.
 */
const IN_FLIGHT_PROBE = `
local socket = require("socket")
local dir, me, total, limit = ...
total, limit = tonumber(total), tonumber(limit)
local function mark(kind) assert(io.open(dir .. "/" .. kind .. "-" .. me, "w")):close() end
local function count(kind)
  local n = 0
  for i = 1, total do
    local f = io.open(dir .. "/" .. kind .. "-" .. i)
    if f then f:close(); n = n + 1 end
  end
  return n
end
mark("started")
local deadline = socket.gettime() + 20
while count("started") - count("finished") < limit and count("started") < total and socket.gettime() < deadline do
  socket.sleep(0.01)
end
local inflight = count("started") - count("finished")
mark("finished")
return inflight
`;

describe("VmManager", () => {
  it("runs executions asynchronously with at most `concurrency` in flight", async () => {
    const limit = 3;
    const total = 7;
    const manager = newManager(limit);
    await manager.createCluster("pool", 2, { parentDir });
    const marks = await mkdtemp(join(parentDir, "marks-"));
    const runs = Array.from({ length: total }, (_, i) =>
      manager.execute(`pool-${i % 2}`, IN_FLIGHT_PROBE, { args: [marks, String(i + 1), String(total), String(limit)] }),
    );
    const inFlight = (await Promise.all(runs)).map((r) => {
      expect(r.stderr).toBe("");
      return Number(r.stdout);
    });
    expect(Math.max(...inFlight)).toBe(limit);
    expect(inFlight.every((n) => n >= 1 && n <= limit)).toBe(true);
    expect((await readdir(marks)).filter((name) => name.startsWith("finished-"))).toHaveLength(total);
    expect(manager.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it("creates a cluster and broadcasts to the VMs whose ids match a glob, and only to them", async () => {
    const manager = newManager();
    const workers = await manager.createCluster("worker", 3, { parentDir });
    expect(workers.map((vm) => vm.id)).toEqual(["worker-0", "worker-1", "worker-2"]);
    const bystanders = await Promise.all([manager.create("coworker-0", { parentDir }), manager.create("worker", { parentDir })]);

    const entries = await manager.broadcast("worker-*", 'assert(io.open("touched", "w")):close(); return 6 * 7');
    expect(entries.map((e) => [e.id, e.result?.stdout, e.error])).toEqual([
      ["worker-0", "42\n", undefined],
      ["worker-1", "42\n", undefined],
      ["worker-2", "42\n", undefined],
    ]);
    for (const vm of workers) expect(await exists(join(vm.describe().details.dir!, "touched"))).toBe(true);
    for (const vm of bystanders) expect(await exists(join(vm.describe().details.dir!, "touched"))).toBe(false);

    const byRegExp = await manager.broadcast(/^(coworker-0|worker)$/, "return 1");
    expect(byRegExp.map((e) => e.id)).toEqual(["coworker-0", "worker"]);
    expect(manager.list().map((vm) => vm.id)).toEqual(["coworker-0", "worker", "worker-0", "worker-1", "worker-2"]);
  });

  it("gives each broadcast VM its own entry, errors included", async () => {
    const manager = newManager();
    await manager.createCluster("mixed", 2, { parentDir });
    await manager.get("mixed-1")!.close();
    const entries = await manager.broadcast("mixed-?", "return 'ok'");
    expect(entries[0]).toMatchObject({ id: "mixed-0", result: { stdout: "ok\n", success: true } });
    expect(entries[1]!.id).toBe("mixed-1");
    expect(entries[1]!.error?.message).toMatch(/VM mixed-1 .*closed/);
  });

  it("destroys what a partly failed cluster made and says which VM failed", async () => {
    const manager = newManager();
    await manager.create("part-1", { parentDir });
    const error = await manager.createCluster("part", 3, { parentDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterCreateError);
    const failure = error as ClusterCreateError;
    expect(failure.failures.map((f) => f.id)).toEqual(["part-1"]);
    expect(failure.message).toMatch(/part-1: VmManager: a VM with id part-1 already exists/);
    expect([...failure.rolledBack].sort()).toEqual(["part-0", "part-2"]);
    expect(manager.list().map((vm) => vm.id)).toEqual(["part-1"]);
    const leftovers = (await readdir(parentDir)).filter((name) => /^bioxen-vm-part-[02]-/.test(name));
    expect(leftovers).toEqual([]);
  });

  it("closeAll() closes every VM and forgets them; unknown ids are reported with the known ones", async () => {
    const manager = newManager();
    const [a] = await manager.createCluster("close", 2, { parentDir });
    await manager.closeAll();
    expect(manager.list()).toEqual([]);
    expect(a!.describe().state).toBe("closed");
    await expect(a!.execute("return 1")).rejects.toThrow(/closed/);
    await expect(manager.execute("close-0", "return 1")).rejects.toThrow(/no VM with id close-0 \(known: none\)/);
    await a!.destroy();
  });

  it("on SIGINT destroys the VMs of a process (ending its runs), then the process dies of SIGINT", async () => {
    const childParent = await mkdtemp(join(parentDir, "signal-"));
    const script = join(__dirname, "fixtures/signal-child.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, childParent], { stdio: ["ignore", "pipe", "pipe"], cwd: join(__dirname, "../..") });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once("line", resolve);
        void exited.then(() => reject(new Error(`child exited early: ${stderr}`)));
      });
      const dirs = JSON.parse(line) as string[];
      expect(dirs).toHaveLength(2);
      for (const dir of dirs) expect(await exists(dir)).toBe(true);
      child.kill("SIGINT");
      expect(await exited).toEqual({ code: null, signal: "SIGINT" });
      for (const dir of dirs) expect(await exists(dir)).toBe(false);
      expect(await readdir(childParent)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    }
  }, 60_000);
});
