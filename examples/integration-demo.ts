/**
 * Integration demo: an XCP-ng VM created from a template — on the embedded pool simulator by
 * default, on a real pool when BIOXEN_XAPI_URL (+ user, password, TLS pin, SSH key) is set —
 * then Lua over SSH, the bioxen-seq rock installed from a local rocks server, the workload run
 * on the example FASTA file, and everything removed again (VM, session, uploaded file, servers).
 *
 *   npx tsx examples/integration-demo.ts        (or: npm run demo)
 */
import { readFile } from "node:fs/promises";
// Outside this repository: import { createVm, timeoutSignal, type LuaVM } from "bioxen-luavm";
import { createVm, timeoutSignal, type LuaVM } from "../index";
import { openDemoPool, type DemoPool } from "../scripts/support/demo-pool";
import { startRocksServer, type RocksServer } from "../scripts/support/rocks-server";
import { runWorkload } from "./support/workload";
import { SAMPLE_FASTA, WORKLOAD_ROCK, WORKLOAD_ROCK_DIR } from "../scripts/support/workload-files";

/** The whole demo must finish within this long; Ctrl-C ends it early, cleaning up all the same. */
const DEMO_DEADLINE_MS = 10 * 60_000;

async function main(): Promise<void> {
  // Output piped into `head` must not kill the demo before it has cleaned up.
  process.stdout.on("error", () => undefined);
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const signal = timeoutSignal(DEMO_DEADLINE_MS, interrupt.signal);
  let pool: DemoPool | undefined;
  let rocksServer: RocksServer | undefined;
  let vm: LuaVM | undefined;
  try {
    step("starting the pool");
    pool = await openDemoPool();
    console.log(`  ${pool.summary}`);
    rocksServer = await startRocksServer([WORKLOAD_ROCK_DIR], { host: pool.rocksHost, signal });
    console.log(`  rocks server ${rocksServer.url} serves ${WORKLOAD_ROCK} 1.0-1`);

    step(`creating VM "bioxen-demo" from template "${pool.template}"`);
    vm = await createVm("bioxen-demo", {
      type: "xcpng",
      connection: pool.connection,
      template: pool.template,
      networks: [{ network: pool.network }],
      ssh: pool.ssh,
      rocksServers: [rocksServer.url],
      timeouts: { createMs: 300_000, readyMs: 300_000, deleteMs: 300_000 },
      onProgress: (line) => console.log(`  ${line}`),
      signal,
    });
    const about = vm.describe();
    console.log(`  VM ${about.details.vmUuid} at ${about.address}, host key ${about.details.hostKeyFingerprint}`);
    console.log(`  ${about.target}: ${about.interpreter} ${about.luaVersion}`);

    step("running Lua over SSH");
    console.log(`  chunk: ${(await vm.execute("return 6 * 7, _VERSION", { signal })).stdout.trim()}`);
    const session = await vm.openSession();
    await session.eval("local bases = 0", { signal });
    await session.eval("bases = bases + 3523", { signal });
    console.log(`  session: bases = ${(await session.eval("return bases", { signal })).values.join("")}`);
    await session.close();

    step(`installing ${WORKLOAD_ROCK} from the rocks server`);
    const installed = await vm.packages.install(WORKLOAD_ROCK, { signal });
    console.log(`  installed ${installed.name} ${installed.version} into ${about.tree}`);

    step("running the workload on examples/data/sample.fasta");
    const fasta = await readFile(SAMPLE_FASTA, "utf8");
    await runCommandOnUploadedFile(vm, fasta, signal);
    const { report } = await runWorkload(vm, fasta, { k: 3, top: 3, signal });
    const richest = [...report.records].sort((a, b) => b.gc - a.gc)[0]!;
    console.log(`  ${report.records.length} records, ${report.records.reduce((sum, r) => sum + r.length, 0)} bases; GC-richest: ${richest.id} (${(richest.gc * 100).toFixed(2)}% GC)`);
  } catch (error) {
    // Name the interruption (Ctrl-C or the deadline) and the step, not just the aborted call.
    if (signal.aborted) throw new Error(`${(signal.reason as Error).message} while ${currentStep}: ${(error as Error).message}`, { cause: error });
    throw error;
  } finally {
    step("cleaning up");
    await vm?.destroy().then(() => console.log("  VM destroyed"));
    await rocksServer?.stop();
    const left = pool?.markedVms();
    if (left) console.log(`  VMs left in the pool: ${left.length}`);
    await pool?.close();
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  console.log("demo finished");
}

/** Uploads the FASTA to a temporary directory on the VM, runs the rock's `bioxen-seq` command on it and removes the directory. */
async function runCommandOnUploadedFile(vm: LuaVM, fasta: string, signal: AbortSignal): Promise<void> {
  const made = await vm.target.exec(["mktemp", "-d"], { timeoutMs: 30_000, signal });
  const dir = made.stdout.trim();
  if (made.exitCode !== 0 || !dir.startsWith("/")) throw new Error(`mktemp -d on ${vm.target.description} failed: ${made.stderr.trim()}`);
  try {
    const file = `${dir}/sample.fasta`;
    await vm.target.writeFile(file, fasta);
    const command = `${vm.describe().tree}/bin/bioxen-seq`;
    const result = await vm.target.exec([command, "-k", "3", "-n", "3", file], { timeoutMs: 60_000, signal });
    if (result.exitCode !== 0) throw new Error(`bioxen-seq on ${vm.target.description} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    console.log(`  $ bioxen-seq -k 3 -n 3 ${file}`);
    console.log(result.stdout.trimEnd().replace(/^/gm, "  "));
  } finally {
    await vm.target.exec(["rm", "-rf", dir], { timeoutMs: 30_000 });
  }
}

let currentStep = "starting";

function step(title: string): void {
  currentStep = title;
  console.log(`==> ${title}`);
}

main().catch((error: unknown) => {
  console.error(`integration-demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
