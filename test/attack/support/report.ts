/** The figures the attack suite produces: matrix size and outcome counts, printed and optionally written (ATTACK_REPORT=<file>). */
import { writeFileSync } from "node:fs";
import type { CaseOutcome } from "./run-case";

/** Counts per end and per fault kind. */
export function summarize(title: string, matrixSize: number, outcomes: readonly CaseOutcome[]): string {
  const count = (pick: (o: CaseOutcome) => string) => outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [pick(o)]: (acc[pick(o)] ?? 0) + 1 }), {});
  const lines = [
    `${title}: ${outcomes.length} of ${matrixSize} cases run`,
    `  by end: ${JSON.stringify(count((o) => o.end))}`,
    `  by kind and end: ${JSON.stringify(count((o) => `${o.case.kind} ${o.end}`))}`,
    `  checks held: ${outcomes.filter((o) => o.problems.length === 0).length}/${outcomes.length}`,
    `  sessions left (a killed host's: after the session timeout): ${outcomes.reduce((n, o) => n + o.sessionsLeft, 0)}; tasks left: ${outcomes.reduce((n, o) => n + o.tasksLeft, 0)}`,
    `  slowest case: ${Math.max(...outcomes.map((o) => o.ms))} ms`,
  ];
  const text = lines.join("\n");
  if (process.env.ATTACK_REPORT) writeFileSync(process.env.ATTACK_REPORT, `${text}\n`, { flag: "a" });
  return text;
}
