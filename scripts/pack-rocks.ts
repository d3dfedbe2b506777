/**
 * Packs the example workload rock (examples/rocks/bioxen-seq) into a LuaRocks repository
 * directory, for the Pulumi examples' `rocksServer` config (luarocks accepts the absolute path;
 * for VMs, serve the directory over HTTP with any static file server).
 *
 *   npx tsx scripts/pack-rocks.ts /tmp/bioxen-rocks
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packRocks } from "./support/pack-rocks";
import { WORKLOAD_ROCK_DIR } from "./support/workload-files";

async function main(): Promise<void> {
  const [target] = process.argv.slice(2);
  if (!target) throw new Error("usage: npx tsx scripts/pack-rocks.ts <repository directory>");
  const repo = resolve(target);
  const workDir = await mkdtemp(join(tmpdir(), "bioxen-pack-rocks-"));
  try {
    await packRocks([WORKLOAD_ROCK_DIR], repo, { workDir, signal: AbortSignal.timeout(120_000) });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  console.log(repo);
}

main().catch((error: unknown) => {
  console.error(`pack-rocks failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
