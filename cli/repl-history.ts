/**
 * The REPL's history between runs: one line per entry, oldest first, in the user's state
 * directory (`$XDG_STATE_HOME/bioxen-luavm/repl_history`, `~/.local/state/…` when unset), mode
 * 0600 in a 0700 directory because typed lines may hold anything. At most {@link HISTORY_SIZE}
 * entries are kept. Written after every entered line, so a REPL that is killed loses nothing;
 * two REPLs at once each write their own history and the last line entered wins.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Interface } from "node:readline";

/** Entries kept in memory and in the file. */
export const HISTORY_SIZE = 1000;

/** The history file: `$XDG_STATE_HOME/bioxen-luavm/repl_history`, `$HOME/.local/state/bioxen-luavm/repl_history` without it. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(state, "bioxen-luavm", "repl_history");
}

/**
 * The saved entries, newest first (as readline's `history` option takes them); [] when there is
 * no file yet. A file that cannot be read is reported on `warn` and the REPL starts without it.
 */
export function loadHistory(file: string, warn: (message: string) => void): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter((line) => line !== "").slice(-HISTORY_SIZE).reverse();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") warn(`history not loaded from ${file}: ${(error as Error).message}`);
    return [];
  }
}

/**
 * Saves `lines`' history to `file` whenever it changes (readline's `history` event). A failure
 * is reported once on `warn`; the REPL goes on without saving.
 */
export function persistHistory(lines: Interface, file: string, warn: (message: string) => void): void {
  let failed = false;
  lines.on("history", (entries: string[]) => {
    if (failed) return;
    try {
      saveHistory(file, entries);
    } catch (error) {
      failed = true;
      warn(`history not saved to ${file}: ${(error as Error).message}`);
    }
  });
}

/** Replaces the file atomically (a crash leaves the old history or the new one, never half of it). */
function saveHistory(file: string, newestFirst: readonly string[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.tmp`;
  const text = newestFirst.slice(0, HISTORY_SIZE).reverse().map((line) => `${line}\n`).join("");
  writeFileSync(partial, text, { mode: 0o600 });
  chmodSync(partial, 0o600); // mode applies only to a file that did not exist (a left-over partial may)
  renameSync(partial, file);
}
