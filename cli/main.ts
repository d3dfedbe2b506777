/** `bioxen-luavm <command>`: the package's command line (`repl`, `lock`, `check`). */
import { check, CHECK_USAGE, UsageError } from "./check";
import { lock, LOCK_USAGE } from "./lock";
import { repl, REPL_USAGE } from "./repl";

const COMMANDS: Record<string, (args: readonly string[]) => Promise<number>> = { repl, lock, check };

/** Runs a command; sets process.exitCode (2 for a wrong command line, 1 for a failure). */
export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  const run = command === undefined ? undefined : COMMANDS[command];
  if (!run) {
    process.stderr.write(`${REPL_USAGE}\n${LOCK_USAGE}\n${CHECK_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await run(rest);
  } catch (error) {
    process.stderr.write(`bioxen-luavm ${command}: ${(error as Error).message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
