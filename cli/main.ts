/** `bioxen-luavm <command>`: the package's command line (today: `repl`). */
import { repl, REPL_USAGE } from "./repl";

/** Runs a command; sets process.exitCode. */
export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === "repl") process.exitCode = await repl(rest);
    else {
      process.stderr.write(`${REPL_USAGE}\n`);
      process.exitCode = 2;
    }
  } catch (error) {
    process.stderr.write(`bioxen-luavm ${command ?? ""}: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
