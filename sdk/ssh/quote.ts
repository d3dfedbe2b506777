import { ENV_NAME_PATTERN } from "../base/env";
import { SshError } from "./errors";

/** Quotes one word for POSIX sh: single quotes, with each embedded ' written as '\''. */
export function quoteArg(word: string): string {
  if (word.includes("\0")) throw new Error("a command argument cannot contain a NUL byte");
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes an argv for POSIX sh so the remote process receives exactly these words. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}

/** Throws unless `name` is a portable environment variable name. */
export function assertEnvName(name: string, target: string): void {
  if (!ENV_NAME_PATTERN.test(name)) {
    throw new SshError("INVALID_ARGUMENT", target, `environment variable name "${name}" is not valid (expected ${ENV_NAME_PATTERN})`);
  }
}
