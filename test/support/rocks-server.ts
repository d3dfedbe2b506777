import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startRocksServer as startRockDirsServer, type RocksServer } from "../../scripts/support/rocks-server";

export type { RocksServer } from "../../scripts/support/rocks-server";

/** Where the fixture rockspecs live: one directory per rock version, named `<name>-<version>`. */
export const ROCK_FIXTURES_DIR = resolve(__dirname, "../fixtures/rocks");

/** Every rock name the fixture server can serve. */
export const FIXTURE_ROCKS = {
  /** Two versions (1.0-1, 2.0-1), for upgrades and downgrades. */
  alpha: "alpha",
  /** 1.0-1, depends on "alpha >= 1.0". */
  beta: "beta",
  /** 1.0-1, depends on "alpha >= 2.0" (so alpha 1.0-1 cannot stay beside it). */
  gamma: "gamma",
  /** 1.0-1, its builtin build names a module file that does not exist. */
  broken: "broken",
  /** 1.0-1, installs, but its module `ailing.core` raises an error when required (`ailing` loads). */
  ailing: "ailing",
} as const;

/** The ten independent rocks `bx-pool-01` … `bx-pool-10` (version 0.1-1), for concurrency tests. */
export const POOL_ROCKS: readonly string[] = Array.from({ length: 10 }, (_, i) => `bx-pool-${String(i + 1).padStart(2, "0")}`);

/** Options for {@link startRocksServer}. */
export interface RocksServerOptions {
  /** Rock names to serve (default: every fixture). A server lacking a rock proves `servers` is honoured. */
  rocks?: readonly string[];
  /** Single rock versions to serve instead, as fixture directory names ("alpha-1.0-1"): a server lacking a newer version. */
  versions?: readonly string[];
}

/**
 * Packs the fixture rockspecs (test/fixtures/rocks) into `.src.rock` files, indexes them and
 * serves the result over HTTP on a random loopback port — the shared server of
 * scripts/support/rocks-server.ts fed with the fixtures one test file asks for.
 */
export async function startRocksServer(options: RocksServerOptions = {}): Promise<RocksServer> {
  const fixtures = options.versions ? [...options.versions] : await selectFixtures(options.rocks);
  return startRockDirsServer(fixtures.map((fixture) => join(ROCK_FIXTURES_DIR, fixture)));
}

async function selectFixtures(rocks: readonly string[] | undefined): Promise<string[]> {
  const all = (await readdir(ROCK_FIXTURES_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  if (!rocks) return all;
  const missing = rocks.filter((rock) => !all.some((dir) => fixtureRockName(dir) === rock));
  if (missing.length > 0) throw new Error(`rocks server: no fixture for ${missing.join(", ")} in ${ROCK_FIXTURES_DIR}`);
  return all.filter((dir) => rocks.includes(fixtureRockName(dir)));
}

/** "bx-pool-01-0.1-1" → "bx-pool-01": the version is the last two dash-separated parts. */
function fixtureRockName(dir: string): string {
  return dir.replace(/-[^-]+-\d+$/, "");
}
