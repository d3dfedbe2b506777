import { SshError } from "./errors";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
  if (!ENV_NAME.test(name)) {
    throw new SshError("INVALID_ARGUMENT", target, `environment variable name "${name}" is not valid (expected ${ENV_NAME})`);
  }
}
