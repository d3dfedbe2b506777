import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaSessionHost } from "../../sdk/lua";
import { localTarget } from "../../sdk/target";
import { VmManager } from "../../sdk/vm";

/** Whether process `pid` runs (a zombie waiting for its parent does not count). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && !/\) Z /.test(stat);
}

let dir: string;
const managers: VmManager[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-vm-sessions-"));
});

afterAll(async () => {
  await Promise.allSettled(managers.splice(0).map((m) => m.destroyAll()));
  // Sessions of VMs a failed test only closed still run: end them before their directory goes.
  for (const namespace of ["lab", "other"]) {
    const host = new LuaSessionHost(localTarget(), "lua5.4", { namespace, dir: join(dir, "s") });
    for (const { name } of await host.list()) await host.kill(name);
  }
  await rm(dir, { recursive: true, force: true });
});

function newManager(): VmManager {
  const manager = new VmManager({ sessions: { dir: join(dir, "s"), timeoutMs: 30_000 } });
  managers.push(manager);
  return manager;
}

describe("VmManager attachable sessions (local VMs)", () => {
  it("keeps named sessions per VM that a second manager attaches to after the first closed, and ends them with the VM", async () => {
    const first = newManager();
    await first.create("lab", { type: "local", parentDir: dir });
    await first.create("other", { type: "local", parentDir: dir });
    const session = await first.createSession("lab", "analysis");
    expect(session.id).toBe("lab/analysis");
    await session.eval("local seq = 'ACGTGC'\nfunction gc(s) local n = 0 for c in s:gmatch('[GC]') do n = n + 1 end return n / #s end");
    const unnamed = await first.createSession("other");
    expect(unnamed.id).toMatch(/^other\/s-[0-9a-f]{8}$/);
    expect((await first.listSessions()).map((s) => s.id)).toEqual(["lab/analysis", unnamed.id]);
    await first.closeAll();
    expect(session.attached).toBe(false);

    const second = newManager();
    await second.create("lab", { type: "local", parentDir: dir });
    const again = await second.attach("lab/analysis");
    expect((await again.eval("gc(seq), seq")).values).toEqual(["0.66666666666667", "ACGTGC"]);
    const [listed] = await second.listSessions("lab");
    expect(listed).toMatchObject({ vmId: "lab", name: "analysis", id: "lab/analysis" });
    expect(await running(listed!.pid)).toBe(true);
    await expect(second.createSession("lab", "../../etc")).rejects.toMatchObject({ reason: "invalid" });
    await expect(second.attach("nope/analysis")).rejects.toThrow(/no VM with id nope/);

    await second.destroy("lab");
    expect(again.attached).toBe(false);
    expect(await running(listed!.pid)).toBe(false);
    expect(await readdir(join(dir, "s", "lab"))).toEqual([]);
    // The session of "other" (its VM was only closed) still runs; a manager that knows the VM ends it.
    const third = newManager();
    await third.create("other", { type: "local", parentDir: dir });
    const [other] = await third.listSessions();
    expect(await running(other!.pid)).toBe(true);
    await third.killSession(unnamed.id);
    expect(await third.listSessions()).toEqual([]);
    expect(await running(other!.pid)).toBe(false);
  });
});
