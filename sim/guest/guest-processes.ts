import { readdirSync, readFileSync } from "node:fs";
import { signalQuietly } from "../sshd/process-tree";
import { GUEST_AREA_ENV } from "./guest-shell";

/** Kill rounds: a process may fork while the previous round runs. */
const ROUNDS = 5;

/** Pids whose environment marks them as started inside the guest with area `areaRoot` (Linux /proc). */
export function guestProcessIds(areaRoot: string): number[] {
  const marker = `${GUEST_AREA_ENV}=${areaRoot}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or another user's process: not ours.
    }
  }
  return found;
}

/**
 * Kills what a halted guest left running — background jobs and daemons that outlived their SSH
 * session and so are no longer under sshd — as powering off a real VM would.
 */
export function killGuestProcesses(areaRoot: string): void {
  for (let round = 0; round < ROUNDS; round += 1) {
    const pids = guestProcessIds(areaRoot);
    if (pids.length === 0) return;
    for (const pid of pids) signalQuietly(pid, "SIGKILL");
  }
}
