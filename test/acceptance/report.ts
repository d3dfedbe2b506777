/**
 * The acceptance report: `acceptance-report.json` (machine-readable, for bug reports) and
 * `acceptance-report.txt` (the readable summary): the pool's software versions, each scenario's
 * outcome, each phase's time and XAPI calls, and the raw error of every failure — with the
 * pool password and the SSH private key removed from every text.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One timed phase of a scenario. */
export interface PhaseResult {
  name: string;
  ms: number;
  /** XAPI calls the phase made, by method (all processes: provider hosts and the suite itself). */
  xapiCalls: Record<string, number>;
}

/** One scenario's outcome. */
export interface ScenarioResult {
  name: string;
  status: "passed" | "failed";
  phases: PhaseResult[];
  /** The raw error of a failure (message and stack), secrets removed. */
  error?: string;
}

/** The whole report. */
export interface AcceptanceReport {
  runId: string;
  target: { kind: "simulator" | "pool"; url: string };
  /** `host.software_version` of every host (XCP-ng product version, xapi version, …). */
  hosts: Array<{ name: string; softwareVersion: Record<string, string> }>;
  startedAt: string;
  finishedAt?: string;
  scenarios: ScenarioResult[];
  /** What the final sweep removed (should be empty: every scenario cleans up after itself). */
  swept: string[];
}

/** Replaces every occurrence of each secret by "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join("[redacted]");
    // A PEM key may appear line by line (e.g. in a quoted error): redact each long line too.
    for (const line of secret.split("\n").filter((l) => l.length >= 16)) out = out.split(line).join("[redacted]");
  }
  return out;
}

/** Calls in a phase's count, summed. */
export function totalCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((sum, n) => sum + n, 0);
}

/** The readable summary. */
export function summaryOf(report: AcceptanceReport): string {
  const lines = [`bioxen-luavm acceptance run ${report.runId} on ${report.target.kind} ${report.target.url}`];
  for (const host of report.hosts) {
    const v = host.softwareVersion;
    lines.push(`  host ${host.name}: ${v.product_brand ?? "?"} ${v.product_version ?? v.platform_version ?? "?"}, xapi ${v.xapi ?? v.xapi_build ?? "?"}`);
  }
  for (const scenario of report.scenarios) {
    lines.push(`${scenario.status === "passed" ? "PASS" : "FAIL"} ${scenario.name}`);
    for (const phase of scenario.phases) lines.push(`    ${phase.name.padEnd(34)} ${String(phase.ms).padStart(7)} ms  ${String(totalCalls(phase.xapiCalls)).padStart(5)} XAPI calls`);
    const calls = new Map<string, number>();
    for (const phase of scenario.phases) for (const [method, n] of Object.entries(phase.xapiCalls)) calls.set(method, (calls.get(method) ?? 0) + n);
    if (calls.size > 0) lines.push(`    XAPI calls: ${[...calls].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m, n]) => `${m}×${n}`).join(", ")}`);
    if (scenario.error) lines.push(...scenario.error.split("\n").slice(0, 12).map((l) => `    ! ${l}`));
  }
  lines.push(`final sweep removed ${report.swept.length} object(s)${report.swept.length ? `: ${report.swept.join(", ")}` : ""}`);
  return `${lines.join("\n")}\n`;
}

/** Writes both files into `dir`; returns their paths. */
export function writeReport(dir: string, report: AcceptanceReport): { json: string; text: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { json: join(dir, "acceptance-report.json"), text: join(dir, "acceptance-report.txt") };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.text, summaryOf(report));
  return paths;
}
