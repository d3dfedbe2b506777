/**
 * xapi's database GC thread (ocaml/xapi/db_gc.ml: one pass every 30 s) for what the simulator
 * models of it: inactive and surplus sessions (session-timeout.ts) and tasks destroyed while
 * still pending (rpc/tasks.ts).
 */
import type { SimCore } from "./core";
import { destroyMarkedTasks } from "./tasks";
import { timeoutSessions } from "./session-timeout";

/** How the simulated database GC runs; every field is optional (default: xapi's value). */
export interface DatabaseGcOptions {
  /** Time between two passes, ms. Default 30 s (db_gc.ml `db_GC_TIMER`), or a tenth of the session timeout when that is shorter. */
  intervalMs?: number;
  /** A session inactive this long (and running no task) is destroyed, ms. Default 24 h (Xapi_globs.inactive_session_timeout). */
  inactiveSessionTimeoutMs?: number;
  /** Sessions kept per originator (root) or per user name (others); the least recently active beyond it are destroyed. Default 500. */
  maxSessionsPerOriginator?: number;
  /** Sessions kept without originator (root) and of pool logins, each. Default 400 (Xapi_globs.max_sessions). */
  maxSessions?: number;
}

/** The resolved settings (see {@link DatabaseGcOptions}). */
export interface DatabaseGcSettings extends Required<DatabaseGcOptions> {
  /**
   * A call refreshes its session's last_active only when that is older than this, ms: xapi's
   * Xapi_globs.threshold_last_active (10 min), or a tenth of a shorter session timeout, so a
   * session in use never looks inactive.
   */
  lastActiveRefreshMs: number;
}

/** xapi's inactive_session_timeout: 24 hours. */
export const XAPI_INACTIVE_SESSION_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** db_gc.ml's db_GC_TIMER: 30 s. */
export const XAPI_DB_GC_INTERVAL_MS = 30_000;
const XAPI_THRESHOLD_LAST_ACTIVE_MS = 10 * 60 * 1000;

/**
 * Fills in xapi's defaults.
 * @throws Error naming the option when a value is not a positive number
 */
export function databaseGcSettings(options: DatabaseGcOptions = {}): DatabaseGcSettings {
  const timeout = options.inactiveSessionTimeoutMs ?? XAPI_INACTIVE_SESSION_TIMEOUT_MS;
  const settings = {
    inactiveSessionTimeoutMs: timeout,
    intervalMs: options.intervalMs ?? Math.min(XAPI_DB_GC_INTERVAL_MS, timeout / 10),
    maxSessionsPerOriginator: options.maxSessionsPerOriginator ?? 500,
    maxSessions: options.maxSessions ?? 400,
    lastActiveRefreshMs: Math.min(XAPI_THRESHOLD_LAST_ACTIVE_MS, timeout / 10),
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!(value > 0) || !Number.isFinite(value)) throw new Error(`simulator: databaseGc.${name} must be a positive number, got ${value}`);
  }
  return settings;
}

/** One GC pass, as of `now` (ms since the epoch). */
export function databaseGcPass(core: SimCore, now = Date.now()): void {
  timeoutSessions(core, now);
  destroyMarkedTasks(core);
}

/** Runs a pass every `core.gc.intervalMs` until the simulator stops (its listeners keep the process alive meanwhile anyway). */
export function startDatabaseGc(core: SimCore): void {
  if (core.stopSignal.aborted) return;
  const timer = setInterval(() => databaseGcPass(core), core.gc.intervalMs);
  core.stopSignal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
