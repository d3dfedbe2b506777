/**
 * Session expiry as xapi does it (ocaml/xapi/db_gc_util.ml `timeout_sessions`, session_check.ml):
 * each call refreshes its session's last_active (at most once per refresh threshold); each GC
 * pass groups the sessions (pool logins; root logins without originator; root logins per
 * originator; other users per user name) and, of those running no unfinished task (nor their
 * parent sessions), destroys the ones inactive longer than the timeout and the least recently
 * active beyond the group's limit. A later call with a destroyed session gets SESSION_INVALID.
 */
import type { SimCore } from "./core";
import type { StoredObject } from "../model/store";
import type { XRecord } from "../model/record";
import { parseXapiDate, xapiDate } from "../model/time";
import { NULL_REF } from "../schema";
import { isTaskFinished } from "./tasks";

interface SessionGroup {
  sessions: StoredObject[];
  limit: number;
}

/** Records activity on `session` as of `now` (ms), unless its last_active is recent enough (as xapi spares the database). */
export function touchSession(core: Pick<SimCore, "store" | "gc">, session: string, now = Date.now()): void {
  const last = parseXapiDate(core.store.get("session", session).last_active);
  if (now - last > core.gc.lastActiveRefreshMs || Number.isNaN(last)) core.store.update("session", session, { last_active: xapiDate(new Date(now)) });
}

/** Destroys the sessions xapi's GC pass would destroy at `now` (ms). */
export function timeoutSessions(core: SimCore, now: number): void {
  const threshold = now - core.gc.inactiveSessionTimeoutMs;
  for (const group of sessionGroups(core)) {
    const disposable = group.sessions
      .filter((s) => !runsUnfinishedTask(core, s.ref, new Set()))
      .map((s) => ({ ref: s.ref, active: parseXapiDate(s.record.last_active) }));
    const old = disposable.filter((s) => !(s.active > threshold));
    const young = disposable.filter((s) => s.active > threshold).sort((a, b) => b.active - a.active);
    for (const s of [...old, ...young.slice(group.limit)]) core.store.destroy("session", s.ref);
  }
}

const isRootName = (record: XRecord) => record.auth_user_name === "" || record.auth_user_name === "root";

/** The groups xapi limits separately, each with its limit. */
function sessionGroups(core: SimCore): SessionGroup[] {
  const named = new Map<string, StoredObject[]>();
  const anonymous: StoredObject[] = [];
  const pool: StoredObject[] = [];
  for (const session of core.store.all("session")) {
    const record = session.record;
    if (record.pool) pool.push(session);
    else if (record.originator === "" && isRootName(record)) anonymous.push(session);
    else {
      const key = isRootName(record) ? `originator:${record.originator}` : `username:${record.auth_user_name}`;
      named.set(key, [...(named.get(key) ?? []), session]);
    }
  }
  return [
    ...[...named.values()].map((sessions) => ({ sessions, limit: core.gc.maxSessionsPerOriginator })),
    { sessions: anonymous, limit: core.gc.maxSessions },
    { sessions: pool, limit: core.gc.maxSessions },
  ];
}

/** Whether the session or one of its parents owns a task still pending or cancelling (such a session is in use). */
function runsUnfinishedTask(core: SimCore, session: string, seen: Set<string>): boolean {
  if (session === NULL_REF || seen.has(session) || !core.store.has("session", session)) return false;
  seen.add(session);
  const record = core.store.get("session", session);
  const unfinished = (record.tasks as string[]).some((task) => core.store.has("task", task) && !isTaskFinished(core.store.get("task", task).status));
  return unfinished || runsUnfinishedTask(core, record.parent, seen);
}
