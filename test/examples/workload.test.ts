import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVm } from "../../sdk/vm";
import { startRocksServer, type RocksServer } from "../../scripts/support/rocks-server";
import { SAMPLE_FASTA, WORKLOAD_ROCK_DIR } from "../../scripts/support/workload-files";

const run = promisify(execFile);
const INTERPRETERS = ["lua5.4", "lua5.1"] as const;

interface ReportRecord { id: string; description: string; length: number; called: number; n: number; gc: number; kmers: number; top: [string, number][] }
interface Report { k: number; records: ReportRecord[] }

/** Writes stdin; a process that exits without reading it (a usage error) is not a test error. */
function feed(stdin: NodeJS.WritableStream, data: string): void {
  stdin.on("error", () => undefined);
  stdin.end(data);
}

/** Runs a Lua chunk (from stdin) that can `require("bioxen_seq")` from the rock's source dir. */
async function lua(interpreter: string, code: string, args: string[] = []): Promise<string> {
  const child = run(interpreter, ["-", ...args], { env: { ...process.env, LUA_PATH: `${WORKLOAD_ROCK_DIR}/?.lua;;` }, timeout: 20_000 });
  feed(child.child.stdin!, code);
  return (await child).stdout;
}

/** The rock's CLI script run from the source dir; resolves with stdout, stderr and exit code. */
async function cli(interpreter: string, args: string[], stdin = ""): Promise<{ stdout: string; stderr: string; code: number }> {
  const child = run(interpreter, [join(WORKLOAD_ROCK_DIR, "bin/bioxen-seq"), ...args], { env: { ...process.env, LUA_PATH: `${WORKLOAD_ROCK_DIR}/?.lua;;` }, timeout: 20_000 });
  feed(child.child.stdin!, stdin);
  return child.then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );
}

/** An independent TypeScript count of the same quantities, to cross-check the sample file. */
function expectedReport(fasta: string, k: number, top: number): Report {
  const records: ReportRecord[] = [];
  for (const block of fasta.split(/^>/m).slice(1)) {
    const [header, ...lines] = block.split("\n");
    const [id, ...description] = header!.trim().split(/\s+/);
    const seq = lines.join("").replace(/\s+/g, "").toUpperCase();
    const called = (seq.match(/[ACGT]/g) ?? []).length;
    const gc = (seq.match(/[GC]/g) ?? []).length;
    const counts = new Map<string, number>();
    for (let i = 0; i + k <= seq.length; i++) {
      const kmer = seq.slice(i, i + k);
      if (/^[ACGT]+$/.test(kmer)) counts.set(kmer, (counts.get(kmer) ?? 0) + 1);
    }
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    records.push({
      id: id!, description: description.join(" "), length: seq.length, called, n: seq.length - called,
      gc: Number((gc / called).toFixed(6)), kmers: [...counts.values()].reduce((a, b) => a + b, 0), top: sorted.slice(0, top),
    });
  }
  return { k, records };
}

describe.each(INTERPRETERS)("bioxen_seq on %s", (interpreter) => {
  it("parses multi-record FASTA: headers, wrapped and lowercase lines, blank, comment and CRLF lines", async () => {
    const out = await lua(interpreter, `
      local seq = require("bioxen_seq")
      local records = seq.parse_fasta(">r1 first record\\nACGT\\nacgt\\n\\n;comment\\n>r2\\r\\nNNGC\\n")
      for _, r in ipairs(records) do print(r.id .. "|" .. r.description .. "|" .. r.sequence) end`);
    expect(out).toBe("r1|first record|ACGTACGT\nr2||NNGC\n");
  });

  it("rejects sequence data before the first header, naming the line", async () => {
    const out = await lua(interpreter, `
      local ok, err = pcall(require("bioxen_seq").parse_fasta, "\\nACGT\\n>r1\\nAC")
      print(ok, err)`);
    expect(out).toMatch(/^false\t.*FASTA line 2: sequence data before the first '>' header\n$/);
  });

  it("computes GC content over called bases only (hand-computed values)", async () => {
    const out = await lua(interpreter, `
      local gc = require("bioxen_seq").gc_content
      for _, s in ipairs({ "ACGTACGT", "NNGC", "gggA", "NNNN", "ATATAT" }) do
        local fraction, called = gc(s)
        print(s, string.format("%.4f", fraction), called)
      end`);
    expect(out).toBe("ACGTACGT\t0.5000\t8\nNNGC\t1.0000\t2\ngggA\t0.7500\t4\nNNNN\t0.0000\t0\nATATAT\t0.0000\t6\n");
  });

  it("counts k-mers, skipping windows that touch N, and ranks the top ones (hand-computed values)", async () => {
    const out = await lua(interpreter, `
      local seq = require("bioxen_seq")
      local function show(s, k)
        local counts, total = seq.kmer_counts(s, k)
        local parts = {}
        for _, e in ipairs(seq.top_kmers(counts, 10)) do parts[#parts + 1] = e.kmer .. "=" .. e.count end
        print(s, k, total, table.concat(parts, " "))
      end
      show("ACGTACGT", 2)
      show("ACNGT", 2)
      show("aaaa", 3)
      show("AC", 3)
      print(pcall(seq.kmer_counts, "ACGT", 0))`);
    expect(out.split("\n")).toEqual([
      "ACGTACGT\t2\t7\tAC=2 CG=2 GT=2 TA=1",
      "ACNGT\t2\t2\tAC=1 GT=1",
      "aaaa\t3\t2\tAAA=2",
      "AC\t3\t0\t",
      expect.stringMatching(/^false\t.*k must be a positive integer, got 0$/),
      "",
    ]);
  });

  it("reports the sample FASTA exactly as an independent count does", async () => {
    const fasta = await readFile(SAMPLE_FASTA, "utf8");
    const out = await lua(interpreter, `
      local seq = require("bioxen_seq")
      print(seq.report_json(seq.report(io.open(arg[1]):read("*a"), 4, 3)))`, [SAMPLE_FASTA]);
    const report = JSON.parse(out) as Report;
    expect(report).toEqual(expectedReport(fasta, 4, 3));
    expect(report.records.map((r) => [r.id, r.length, r.n])).toEqual([
      ["SYN_0001.1", 980, 0], ["SYN_0002.1", 760, 0], ["SYN_0003.1", 860, 25], ["SYN_0004.1", 640, 0],
    ]);
  });

  it("has a CLI that reads a file or stdin, prints text or JSON, and fails with a message", async () => {
    const text = await cli(interpreter, ["-k", "2", "-n", "2"], ">a test\nACGTNNacgt\n>b\nGGGCCC\n");
    expect(text).toEqual({
      stdout: "record         length     GC%  top 2-mers\na                  10   50.00  AC=2 CG=2\nb                   6  100.00  CC=2 GG=2\n",
      stderr: "",
      code: 0,
    });
    const json = await cli(interpreter, ["--json", SAMPLE_FASTA]);
    expect(JSON.parse(json.stdout)).toEqual(expectedReport(await readFile(SAMPLE_FASTA, "utf8"), 3, 5));
    expect(await cli(interpreter, ["-k"])).toMatchObject({ code: 2, stderr: "bioxen-seq: -k needs a number\n" });
    expect(await cli(interpreter, ["/nonexistent.fasta"])).toMatchObject({ code: 1, stderr: expect.stringContaining("/nonexistent.fasta") });
  });
});

describe("the bioxen-seq rock", () => {
  let server: RocksServer;
  beforeAll(async () => {
    server = await startRocksServer([WORKLOAD_ROCK_DIR]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(INTERPRETERS)("installs from the local rocks server into a %s VM whose Lua and CLI then use it", async (interpreter) => {
    const vm = await createVm(`workload-${interpreter.replace(".", "")}`, { interpreter, rocksServers: [server.url] });
    try {
      expect(await vm.packages.install("bioxen-seq")).toEqual({ name: "bioxen-seq", version: "1.0-1" });
      const viaRequire = await vm.execute('local s = require("bioxen_seq"); return s._VERSION, (s.gc_content("GGCA"))');
      expect(viaRequire).toMatchObject({ stdout: "1.0\t0.75\n", success: true });
      const bin = join(vm.describe().tree, "bin", "bioxen-seq");
      const { stdout } = await run(bin, ["--json", SAMPLE_FASTA], { timeout: 20_000 });
      expect(JSON.parse(stdout)).toEqual(expectedReport(await readFile(SAMPLE_FASTA, "utf8"), 3, 5));
    } finally {
      await vm.destroy();
    }
  });
});
