/**
 * Killing the provider host at a chosen XAPI call: the call is stalled on the simulator, and
 * once the fault fired, every dynamic-provider host this (test) process started gets SIGKILL —
 * by pid, found through /proc as children of this process.
 */
import { readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Simulator } from "../../../sim";

/** Pids of this process's children running the dynamic-provider host. */
export function providerHostPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("dynamic-provider")) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Waits until the simulator took `faultsBefore + 1` faults (the stalled call arrived), then kills
 * the provider hosts. Resolves false when the operation ended first (the call never came).
 */
export async function killHostAtFault(sim: Simulator, faultsBefore: number, operationDone: () => boolean): Promise<boolean> {
  while (sim.faults.taken <= faultsBefore) {
    if (operationDone()) return false;
    await sleep(20);
  }
  for (const pid of providerHostPids()) process.kill(pid, "SIGKILL");
  return true;
}

/**
 * Sessions open beyond `before`, once the simulator's inactive-session timeout (`timeoutMs`) had
 * the time to end those a killed host left (a pass may come up to one second of last_active
 * resolution plus a GC interval later): waits on the simulator's count, returns early at 0.
 */
export async function sessionsLeftAfterTimeout(sim: Simulator, before: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs + 5_000;
  while (sim.sessionCount() > before && Date.now() < deadline) await sleep(100);
  return sim.sessionCount() - before;
}
