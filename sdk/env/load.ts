/** Reading an environment file from disk or from text, throwing one error that lists every problem. */
import { readFile, stat } from "node:fs/promises";
import { EnvironmentError } from "./errors";
import type { EnvironmentSpec } from "./types";
import { checkEnvironment, MAX_ENVIRONMENT_FILE_BYTES } from "./validate";

/** A validated environment and the file it came from. */
export interface LoadedEnvironment {
  file: string;
  spec: EnvironmentSpec;
}

/** Validates `text` (YAML or JSON); throws {@link EnvironmentError} listing every issue. */
export function parseEnvironment(text: string, file: string): LoadedEnvironment {
  const result = checkEnvironment(text, file);
  if (!result.spec) throw new EnvironmentError(file, result.issues);
  return { file, spec: result.spec };
}

/**
 * Reads and validates the environment file at `path` (YAML, or JSON by any extension); messages
 * name the file as `path` was given. Throws {@link EnvironmentError} for invalid content and a
 * plain Error naming the file when it cannot be read.
 */
export async function loadEnvironmentFile(path: string): Promise<LoadedEnvironment> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a regular file");
    if (info.size > MAX_ENVIRONMENT_FILE_BYTES) throw new Error(`${info.size} bytes, more than the ${MAX_ENVIRONMENT_FILE_BYTES} allowed`);
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read environment file ${path}: ${(error as Error).message}; set stack config bioxen:environment to the path of a YAML or JSON environment file`,
      { cause: error },
    );
  }
  return parseEnvironment(text, path);
}
