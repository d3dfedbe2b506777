import { execFileSync } from "node:child_process";
import { symlink } from "node:fs/promises";
import { join } from "node:path";

/** Command lines of the live processes whose command line contains `marker` ("" when none). */
export function processesMatching(marker: string): string {
  try {
    return execFileSync("pgrep", ["-af", marker], { encoding: "utf8" });
  } catch {
    return ""; // pgrep exits 1 when nothing matches
  }
}

/** A marker no other test or process uses. */
export function uniqueMarker(label: string): string {
  return `bioxen-${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A symlink named after `marker` pointing at a system program, so every process started through
 * it shows the marker in its command line (for "nothing left running" checks with pgrep).
 */
export async function markedProgram(dir: string, program: string, marker: string): Promise<string> {
  const path = join(dir, marker);
  const real = execFileSync("sh", ["-c", 'command -v "$1"', "sh", program], { encoding: "utf8" }).trim();
  await symlink(real, path);
  return path;
}
