import { stat } from "node:fs/promises";

/** A program that could not start, reported as a POSIX shell reports it (as the SSH target does). */
export interface ShellStatus {
  /** 127: not found; 126: found but not executable. */
  exitCode: 126 | 127;
  stderr: string;
}

/**
 * The shell status for a local start failure: ENOENT (no such program) → 127, EACCES (a folder or
 * a file without execute permission) → 126; undefined for anything else, and for ENOENT when the
 * working folder is what is missing (that stays a rejection naming the folder).
 */
export async function shellStatusOf(error: unknown, program: string, cwd: string | undefined): Promise<ShellStatus | undefined> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES") return { exitCode: 126, stderr: `${program}: Permission denied\n` };
  if (code !== "ENOENT" || (cwd !== undefined && !(await isDirectory(cwd)))) return undefined;
  return { exitCode: 127, stderr: `${program}: not found\n` };
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
