/**
 * A watchdog that outlives this process: a shell in its own process group reading a pipe from us
 * until it ends — which happens when we exit in any way, SIGKILL included — then killing a
 * process with every process below it and removing folders (an sshd and its host key, a guest
 * host's areas). Whoever stops cleanly calls `release()`, which ends the watchdog without acting.
 * Needs /bin/sh and, to find descendants, `pgrep` (procps); without them nothing is watched.
 */
import { spawn } from "node:child_process";

const SCRIPT = [
  "cat >/dev/null",
  'pid="$1"; shift',
  'tree() { for c in $(pgrep -P "$1"); do tree "$c"; done; echo "$1"; }',
  '# Only the process we watch: its command line names the first path (a reused pid does not).',
  'if [ "$pid" != 0 ] && grep -qF -- "$1" "/proc/$pid/cmdline" 2>/dev/null; then kill -s KILL $(tree "$pid") 2>/dev/null; fi',
  'rm -rf -- "$@"',
].join("\n");

/** A running watchdog. */
export interface Watchdog {
  /** Ends the watchdog without it acting (the owner cleaned up itself); resolves once it is gone. */
  release(): Promise<void>;
}

/**
 * Watches this process; when it dies, kills `pid` (0: none; only while its command line names
 * `paths[0]`) with its descendants, and removes `paths`.
 */
export function startWatchdog(pid: number, paths: readonly string[]): Watchdog {
  const watchdog = spawn("/bin/sh", ["-c", SCRIPT, "bioxen-watchdog", String(pid), ...paths], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  watchdog.on("error", () => undefined);
  watchdog.stdin!.on("error", () => undefined);
  // Neither the process nor its pipe may keep this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  const exited = new Promise<void>((resolve) => watchdog.once("close", () => resolve()).once("error", () => resolve()));
  return {
    release: () => {
      // Waiting for it must keep this process alive (it was unref'd so that it never would otherwise).
      watchdog.ref();
      watchdog.kill("SIGKILL");
      return exited;
    },
  };
}
