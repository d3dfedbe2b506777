/** Environment variable names a target accepts: portable shell identifiers only. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Throws when an environment variable name is not a portable identifier, so a bad name can never
 * reach a process table or a remote shell line.
 * @param env the variables a caller wants to set (values are not checked; they are data)
 * @param context who is asking, for the error message (e.g. `local: exec "lua5.4"`)
 */
export function assertEnvNames(env: Record<string, string> | undefined, context: string): void {
  for (const name of Object.keys(env ?? {})) {
    if (!ENV_NAME_PATTERN.test(name)) {
      throw new Error(
        `${context}: environment variable name ${JSON.stringify(name)} is invalid; ` +
          `names must match ${ENV_NAME_PATTERN}`,
      );
    }
  }
}
