import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where the fixture rockspecs live: one directory per rock version, named `<name>-<version>`. */
export const ROCK_FIXTURES_DIR = resolve(__dirname, "../fixtures/rocks");

/** Every rock name the fixture server can serve. */
export const FIXTURE_ROCKS = {
  /** Two versions (1.0-1, 2.0-1), for upgrades and downgrades. */
  alpha: "alpha",
  /** 1.0-1, depends on "alpha >= 1.0". */
  beta: "beta",
  /** 1.0-1, its builtin build names a module file that does not exist. */
  broken: "broken",
} as const;

/** The ten independent rocks `bx-pool-01` … `bx-pool-10` (version 0.1-1), for concurrency tests. */
export const POOL_ROCKS: readonly string[] = Array.from({ length: 10 }, (_, i) => `bx-pool-${String(i + 1).padStart(2, "0")}`);

/** Options for {@link startRocksServer}. */
export interface RocksServerOptions {
  /** Rock names to serve (default: every fixture). A server lacking a rock proves `servers` is honoured. */
  rocks?: readonly string[];
}

/** A LuaRocks server on 127.0.0.1 built from the fixtures for one test file. */
export interface RocksServer {
  /** Base URL, unique per server (a random path prefix keeps luarocks' URL-keyed cache apart). */
  url: string;
  /** The same repository as a local directory (luarocks accepts absolute paths as servers). */
  dir: string;
  /** Stops the HTTP server and removes every file this server made. */
  stop(): Promise<void>;
}

const PACK_TIMEOUT_MS = 30_000;

/**
 * Packs the fixture rockspecs into `.src.rock` files with `luarocks pack`, indexes them with
 * `luarocks-admin make-manifest` and serves the result over HTTP on a random loopback port.
 */
export async function startRocksServer(options: RocksServerOptions = {}): Promise<RocksServer> {
  const root = await mkdtemp(join(tmpdir(), "bioxen-rocks-server-"));
  try {
    const repo = join(root, "repo");
    await mkdir(repo);
    const fixtures = await selectFixtures(options.rocks);
    await Promise.all(fixtures.map((fixture) => packFixture(fixture, root, repo)));
    await run("luarocks-admin", ["make-manifest", repo], { cwd: repo, timeout: PACK_TIMEOUT_MS });
    const prefix = `/${randomBytes(6).toString("hex")}`;
    const server = await listen(serveDirectory(repo, prefix));
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("rocks server: no listening address");
    return {
      url: `http://127.0.0.1:${address.port}${prefix}`,
      dir: repo,
      stop: async () => {
        await closeServer(server);
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
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

/** Copies one fixture, points its source URL at the copy, and packs it into `repo`. */
async function packFixture(fixture: string, root: string, repo: string): Promise<void> {
  const copy = join(root, "src", fixture);
  await cp(join(ROCK_FIXTURES_DIR, fixture), copy, { recursive: true });
  const rockspec = join(copy, `${fixture}.rockspec`);
  const text = await readFile(rockspec, "utf8");
  await writeFile(rockspec, text.replaceAll("@ROCK_DIR@", copy));
  try {
    await run("luarocks", ["pack", rockspec], { cwd: repo, timeout: PACK_TIMEOUT_MS });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`rocks server: luarocks pack ${fixture} failed: ${stderr.trim()}`, { cause: error });
  }
}

/** A static file handler for the flat repository directory, below a URL prefix only. */
function serveDirectory(dir: string, prefix: string) {
  return createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const name = path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : "";
    if ((request.method !== "GET" && request.method !== "HEAD") || !name || name !== basename(name) || name.startsWith(".")) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dir, name));
      response.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      response.writeHead(404).end();
    }
  });
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveListen(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
