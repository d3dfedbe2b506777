/**
 * Shared XAPI clients for one provider host: one logged-in client per (url, username, password,
 * TLS trust), created lazily, used by every resource of the run, and logged out after
 * `bioxen:sessionIdleMs` (default 3000 ms) without a lease, and on SIGTERM/SIGINT (how the engine
 * stops a provider host) before the signal is re-raised — so no session outlives the host.
 * Timers are unref'd and never keep the process alive.
 */
import { createHmac, randomBytes } from "node:crypto";
import { XapiClient, type XapiTlsOptions } from "../../sdk/xapi";
import { describeSetting, settings } from "./config";
import { reveal } from "./inputs";

/** A per-resource `connection` input (every field optional; missing ones come from the provider settings). */
export interface ConnectionInput {
  /** pool master URL, `https://host[:port]` */
  url?: string;
  /** XAPI user */
  username?: string;
  /** XAPI password (secret) */
  password?: string;
  /** pinned SHA-256 fingerprint of the pool certificate */
  tlsFingerprint?: string;
  /** CA file to verify the pool certificate with */
  caFile?: string;
}

/** A complete connection: what {@link resolveConnection} returns. */
export interface ResolvedConnection {
  url: string;
  username: string;
  password: string;
  tls: XapiTlsOptions;
}

/** A use of a shared client; call `release()` when done so the idle timer can start. */
export interface XapiLease {
  client: XapiClient;
  /** the pool URL (the limiter key) */
  url: string;
  release(): void;
}

interface Shared {
  client: Promise<XapiClient>;
  leases: number;
  idleTimer?: NodeJS.Timeout;
}

const HASH_KEY = randomBytes(32);
const shared = new Map<string, Shared>();
/** Idle clients logging out now: closeAllXapiClients (SIGINT) waits for them too, or their sessions leak. */
const closing = new Set<Promise<void>>();

/**
 * Merges a per-resource connection with the provider settings.
 * @throws Error naming the input field and the config key / env var to set when url, username or password is missing
 */
export function resolveConnection(input: ConnectionInput | undefined): ResolvedConnection {
  const given = reveal<ConnectionInput>(input ?? {});
  const config = settings();
  const url = given.url ?? config.xapiUrl;
  const username = given.username ?? config.xapiUsername;
  const password = given.password ?? config.xapiPassword;
  const missing = [
    url ? undefined : `connection.url or ${describeSetting("xapiUrl")}`,
    username ? undefined : `connection.username or ${describeSetting("xapiUsername")}`,
    password ? undefined : `connection.password or ${describeSetting("xapiPassword")}`,
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`no XAPI connection configured: set ${missing.join("; ")}`);
  const fingerprint = given.tlsFingerprint ?? (given.caFile ? undefined : config.xapiTlsFingerprint);
  const caFile = given.caFile ?? (fingerprint ? undefined : config.xapiCaFile);
  return { url: url!, username: username!, password: password!, tls: { ...(fingerprint ? { fingerprint256: fingerprint } : {}), ...(caFile ? { caFile } : {}) } };
}

/**
 * Leases the shared client for `connection` (logging in on first use).
 * @throws the XapiClient.connect error (credentials never included)
 */
export async function xapiFor(connection: ConnectionInput | undefined): Promise<XapiLease> {
  const resolved = resolveConnection(connection);
  const key = cacheKey(resolved);
  let entry = shared.get(key);
  if (!entry || (await isClosed(entry))) {
    logOutOnTermination();
    const fresh: Shared = { client: XapiClient.connect({ url: resolved.url, username: resolved.username, password: resolved.password, tls: resolved.tls }), leases: 0 };
    shared.set(key, fresh);
    fresh.client.catch(() => shared.get(key) === fresh && shared.delete(key));
    entry = fresh;
  }
  const current = entry;
  current.leases++;
  if (current.idleTimer) clearTimeout(current.idleTimer);
  current.idleTimer = undefined;
  let client: XapiClient;
  try {
    client = await current.client;
  } catch (error) {
    current.leases--;
    throw error;
  }
  let released = false;
  return {
    client,
    url: resolved.url,
    release() {
      if (released) return;
      released = true;
      current.leases--;
      if (current.leases === 0) scheduleIdleClose(key, current);
    },
  };
}

/** Runs `fn` with a leased shared client, releasing it afterwards. */
export async function withXapi<T>(connection: ConnectionInput | undefined, fn: (client: XapiClient, url: string) => Promise<T>): Promise<T> {
  const lease = await xapiFor(connection);
  try {
    return await fn(lease.client, lease.url);
  } finally {
    lease.release();
  }
}

/** Logs out every shared client now (tests; process shutdown). */
export async function closeAllXapiClients(): Promise<void> {
  const entries = [...shared.values()];
  shared.clear();
  await Promise.all([
    ...entries.map(async (entry) => {
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      const client = await entry.client.catch(() => undefined);
      await client?.close().catch(() => undefined);
    }),
    ...closing,
  ]);
}

const TERMINATION_SIGNALS = ["SIGTERM", "SIGINT"] as const;
const TERMINATION_LOGOUT_MS = 2_000;
let terminationHandled = false;

/**
 * Once per process: on SIGTERM/SIGINT log every shared session out (at most 2 s); then, when no
 * other listener handles the signal, re-raise it so the process ends as it would have.
 */
function logOutOnTermination(): void {
  if (terminationHandled) return;
  terminationHandled = true;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of TERMINATION_SIGNALS) {
    const handler = () => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      const othersListen = process.listenerCount(signal) > 0;
      const cap = new Promise((resolve) => setTimeout(resolve, TERMINATION_LOGOUT_MS).unref());
      void Promise.race([closeAllXapiClients(), cap]).finally(() => {
        if (!othersListen) process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
}

function scheduleIdleClose(key: string, entry: Shared): void {
  entry.idleTimer = setTimeout(() => {
    if (entry.leases > 0 || shared.get(key) !== entry) return;
    shared.delete(key);
    const done = entry.client.then((client) => client.close()).catch(() => undefined);
    closing.add(done);
    void done.finally(() => closing.delete(done));
  }, settings().sessionIdleMs);
  entry.idleTimer.unref();
}

async function isClosed(entry: Shared): Promise<boolean> {
  const client = await entry.client.catch(() => undefined);
  return !client || client.closed;
}

function cacheKey(connection: ResolvedConnection): string {
  const secret = createHmac("sha256", HASH_KEY).update(connection.password).digest("hex");
  return JSON.stringify([connection.url, connection.username, connection.tls.fingerprint256 ?? "", connection.tls.caFile ?? "", secret]);
}
