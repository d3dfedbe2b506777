/**
 * Basic usage: a local Lua VM — run a chunk, a file, a persistent session, then install the
 * bioxen-seq workload rock from a local rocks server and run it on the example FASTA file.
 * Everything it makes (rocks server, VM directory and tree) is removed before it exits.
 *
 *   npx tsx examples/basic-usage.ts
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
// Outside this repository: import { createVm } from "bioxen-luavm";
import { createVm } from "../index";
import { startRocksServer } from "../scripts/support/rocks-server";
import { runWorkload } from "./support/workload";
import { SAMPLE_FASTA, WORKLOAD_ROCK, WORKLOAD_ROCK_DIR } from "../scripts/support/workload-files";

async function main(): Promise<void> {
  const rocksServer = await startRocksServer([WORKLOAD_ROCK_DIR]);
  const vm = await createVm("basic", { type: "local", rocksServers: [rocksServer.url] });
  try {
    const about = vm.describe();
    console.log(`vm: ${about.id} (${about.type}) ${about.interpreter} ${about.luaVersion}, tree ${about.tree}`);

    // A chunk: returned values are printed.
    const chunk = await vm.execute("return 6 * 7, _VERSION");
    console.log(`chunk: ${chunk.stdout.trim()}`);

    // A file on the VM (a local VM's directory is its working directory).
    const file = join(about.details.dir!, "hello.lua");
    await vm.target.writeFile(file, 'local name = arg[1] or "world"\nprint("hello, " .. name)\n');
    console.log(`file: ${(await vm.executeFile(file, { args: ["bioxen"] })).stdout.trim()}`);

    // A session: top-level locals survive between calls.
    const session = await vm.openSession();
    await session.eval("local reads = 0");
    await session.eval("reads = reads + 150");
    console.log(`session: reads = ${(await session.eval("return reads + 100")).values.join(" ")}`);

    // A package: the workload rock, installed into this VM's own tree.
    const installed = await vm.packages.install(WORKLOAD_ROCK);
    console.log(`package: ${installed.name} ${installed.version} installed`);
    const { report, table } = await runWorkload(vm, await readFile(SAMPLE_FASTA, "utf8"), { k: 3, top: 3 });
    console.log(`workload: ${report.records.length} records, k=${report.k}`);
    console.log(table);
    const removed = await vm.packages.remove(WORKLOAD_ROCK);
    console.log(`package: ${WORKLOAD_ROCK} ${removed.join(", ")} removed; installed now: ${(await vm.packages.list()).length}`);
  } finally {
    await vm.destroy();
    await rocksServer.stop();
  }
  console.log("cleanup: VM destroyed, rocks server stopped");
}

main().catch((error: unknown) => {
  console.error(`basic-usage failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
