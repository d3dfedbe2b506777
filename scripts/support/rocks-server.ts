import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { packRocks } from "./pack-rocks";

/** A LuaRocks server on 127.0.0.1 serving rocks packed from local source directories. */
export interface RocksServer {
  /** Base URL, unique per server (a random path prefix keeps luarocks' URL-keyed cache apart). */
  url: string;
  /** The same repository as a local directory (luarocks accepts absolute paths as servers). */
  dir: string;
  /** Stops the HTTP server and removes every file this server made. Idempotent. */
  stop(): Promise<void>;
}

/** A running static HTTP server for one directory. */
export interface ServedDirectory {
  /** `http://127.0.0.1:<port>/<random prefix>`. */
  url: string;
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

/** Options for {@link startRocksServer} and {@link serveRocks}. */
export interface RocksServerOptions {
  /**
   * IPv4 address or host name to listen on and to put in the URL (default 127.0.0.1). Give an
   * address of this machine that the VMs can reach when they are not on loopback (a real pool).
   */
  host?: string;
  /** Aborts packing. */
  signal?: AbortSignal;
}

/**
 * Packs the rock directories (see {@link packRocks}) into a fresh temporary repository and serves
 * it over HTTP on a random port. Everything is removed again by `stop()`, or at once when a step
 * fails.
 */
export async function startRocksServer(rockDirs: readonly string[], options: RocksServerOptions = {}): Promise<RocksServer> {
  const root = await mkdtemp(join(tmpdir(), "bioxen-rocks-server-"));
  try {
    const repo = join(root, "repo");
    await packRocks(rockDirs, repo, { workDir: root, signal: options.signal });
    const served = await serveRocks(repo, options);
    let stopped: Promise<void> | undefined;
    return {
      url: served.url,
      dir: repo,
      stop: () => (stopped ??= served.stop().finally(() => rm(root, { recursive: true, force: true }))),
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Serves the flat files of a LuaRocks repository directory (manifests, `.rock`, `.rockspec`) over
 * HTTP on `options.host` (default 127.0.0.1), read-only, below a random URL prefix; nothing outside the directory and no
 * dot-file is reachable.
 */
export async function serveRocks(dir: string, options: Pick<RocksServerOptions, "host"> = {}): Promise<ServedDirectory> {
  const host = options.host ?? "127.0.0.1";
  const prefix = `/${randomBytes(6).toString("hex")}`;
  const server = await listen(serveDirectory(dir, prefix), host);
  const address = server.address();
  if (typeof address !== "object" || !address) {
    await closeServer(server);
    throw new Error(`rocks server for ${dir}: no listening address`);
  }
  return { url: `http://${host}:${address.port}${prefix}`, stop: () => closeServer(server) };
}

function serveDirectory(dir: string, prefix: string): Server {
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

function listen(server: Server, host: string): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    server.once("error", (error) => reject(new Error(`rocks server: cannot listen on ${host}: ${error.message}`, { cause: error })));
    server.listen(0, host, () => resolveListen(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
