/**
 * The argv rule every target applies before running anything, so a local and a remote target
 * refuse exactly the same inputs (and run exactly the same ones).
 */

/** NAME_MAX of Linux file systems. */
const MAX_NAME_BYTES = 255;

/** What is wrong with running `argv` (with these environment values and folder), or undefined when nothing is. */
export function argvProblem(argv: readonly string[], env?: Record<string, string>, cwd?: string): string | undefined {
  if (argv.length === 0 || argv[0] === "") return "argv is empty; give at least the program to run";
  // A POSIX shell's `exec` would read a leading "-" as its own option (bash) or not at all (dash).
  if (argv[0]!.startsWith("-")) return `argv[0] ${JSON.stringify(argv[0])} starts with "-": it must name the program (use ./${argv[0]} for a file in the working folder)`;
  // No file system has such a name; shells disagree on how to fail (bash 126, dash 127), so refuse.
  if (argv[0]!.split("/").some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)) return `argv[0] has a name longer than ${MAX_NAME_BYTES} bytes, which no program can have`;
  const word = argv.findIndex((part) => part.includes("\0"));
  if (word >= 0) return `argv[${word}] contains a NUL byte, which no process argument can carry`;
  const variable = Object.entries(env ?? {}).find(([, value]) => value.includes("\0"));
  if (variable) return `environment variable ${variable[0]} contains a NUL byte, which no environment value can carry`;
  if (cwd?.includes("\0")) return "the working folder contains a NUL byte";
  return undefined;
}
