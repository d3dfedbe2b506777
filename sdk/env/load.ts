/** Reading an environment file (and its lock file, when there is one) from disk or from text, throwing one error that lists every problem. */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { EnvironmentError } from "./errors";
import { lockFileOf, type EnvironmentLock } from "./lock";
import type { EnvironmentSpec } from "./types";
import { checkEnvironment, MAX_ENVIRONMENT_FILE_BYTES, type LockText } from "./validate";

/** A validated environment and the file it came from. */
export interface LoadedEnvironment {
  file: string;
  spec: EnvironmentSpec;
  /** Its lock file's versions, when `<file>.lock` exists (and was read). */
  lock?: EnvironmentLock;
}

/** Options of {@link loadEnvironmentFile}. */
export interface LoadOptions {
  /** Read and check `<path>.lock` when it exists (default true); `bioxen-luavm lock` reads without it. */
  lock?: boolean;
}

/** Validates `text` (YAML or JSON), with its lock file's text when given; throws {@link EnvironmentError} listing every issue. */
export function parseEnvironment(text: string, file: string, lock?: LockText): LoadedEnvironment {
  const result = checkEnvironment(text, file, lock);
  if (!result.spec) throw new EnvironmentError(file, result.issues);
  return result.lock ? { file, spec: result.spec, lock: result.lock } : { file, spec: result.spec };
}

/**
 * Reads and validates the environment file at `path` (YAML, or JSON by any extension) and, when
 * `<path>.lock` exists, that lock file against it; messages name the files as `path` was given. Throws {@link EnvironmentError} for invalid content and a
 * plain Error naming the file when it cannot be read.
 */
export async function loadEnvironmentFile(path: string, options: LoadOptions = {}): Promise<LoadedEnvironment> {
  let text: string;
  try {
    text = await readLimited(path);
  } catch (error) {
    throw new Error(
      `cannot read environment file ${path}: ${(error as Error).message}; set stack config bioxen:environment to the path of a YAML or JSON environment file`,
      { cause: error },
    );
  }
  const lockFile = lockFileOf(path);
  if (options.lock === false || !existsSync(lockFile)) return parseEnvironment(text, path);
  let lockText: string;
  try {
    lockText = await readLimited(lockFile);
  } catch (error) {
    throw new Error(`cannot read lock file ${lockFile}: ${(error as Error).message}; write it again with \`bioxen-luavm lock ${path}\``, { cause: error });
  }
  return parseEnvironment(text, path, { text: lockText, file: lockFile });
}

/** A regular file's text, refused above {@link MAX_ENVIRONMENT_FILE_BYTES}. */
async function readLimited(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error("not a regular file");
  if (info.size > MAX_ENVIRONMENT_FILE_BYTES) throw new Error(`${info.size} bytes, more than the ${MAX_ENVIRONMENT_FILE_BYTES} allowed`);
  return readFile(path, "utf8");
}
