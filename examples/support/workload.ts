import type { LuaVM } from "../../index";

/** One FASTA record's figures as the rock reports them. */
export interface WorkloadRecord {
  /** Header word after `>`. */
  id: string;
  /** Rest of the header line. */
  description: string;
  /** Bases including N and other ambiguity codes. */
  length: number;
  /** A, C, G and T only. */
  called: number;
  /** length - called. */
  n: number;
  /** G+C over called bases, 0..1 (6 decimals). */
  gc: number;
  /** k-mer windows counted (windows touching N skipped). */
  kmers: number;
  /** Most frequent k-mers, `[kmer, count]`, highest first, ties alphabetical. */
  top: [string, number][];
}

/** The whole report: k and one entry per record. */
export interface WorkloadReport {
  /** k-mer length. */
  k: number;
  /** One entry per FASTA record, in file order. */
  records: WorkloadRecord[];
}

/** What {@link runWorkload} returns: the parsed report and the rock's own text table. */
export interface WorkloadRun {
  /** The parsed JSON report. */
  report: WorkloadReport;
  /** The rock's `format_report` text table. */
  table: string;
}

// Constant code: the FASTA text arrives on stdin, k and top as arguments (never spliced into code).
const REPORT_CHUNK = `
local seq = require("bioxen_seq")
local k, top = tonumber(arg[1]), tonumber(arg[2])
local report = seq.report(io.read("*a"), k, top)
print(seq.report_json(report))
print(seq.format_report(report))
`;

/**
 * Runs the bioxen-seq report on a VM that has the rock installed: the FASTA text travels on
 * stdin; returns the report (from its JSON line) and the printed table. Throws with the VM's
 * stderr when the chunk fails (for example when the rock is missing).
 */
export async function runWorkload(vm: LuaVM, fasta: string, options: { k?: number; top?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WorkloadRun> {
  const { k = 3, top = 5, timeoutMs = 60_000, signal } = options;
  const result = await vm.execute(REPORT_CHUNK, { stdin: fasta, args: [String(k), String(top)], timeoutMs, signal, chunkName: "bioxen-seq-report" });
  if (!result.success) throw new Error(`bioxen-seq report on VM ${vm.id} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const [json = "", ...table] = result.stdout.trimEnd().split("\n");
  return { report: JSON.parse(json) as WorkloadReport, table: table.join("\n") };
}
