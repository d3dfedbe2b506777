/** event.from: what changed since a token, computed from object generations. */
import { XmlRpcInt32, type WireValue } from "../../sdk/xapi/wire";
import { CLASSES, classNamed, type ClassDef } from "../schema";
import { XapiFailure } from "../model/failure";
import { recordToWire } from "./to-wire";
import type { Store } from "../model/store";

/** What a subscription covers: whole classes and single objects (`vm/OpaqueRef:…`). */
export interface Subscription {
  classes: Set<string>;
  objects: Set<string>;
}

/** Parses event.from's class list: `"*"`, `"vm"`, `"vm/OpaqueRef:…"`, case-insensitive; unknown classes are ignored. */
export function parseSubscription(entries: readonly string[]): Subscription {
  const sub: Subscription = { classes: new Set(), objects: new Set() };
  for (const entry of entries) {
    // Session refs are credentials: never broadcast them to other clients.
    if (entry === "*") CLASSES.filter((c) => c.name !== "session").forEach((c) => sub.classes.add(c.name));
    const slash = entry.indexOf("/");
    const cls = classNamed(slash < 0 ? entry : entry.slice(0, slash));
    if (!cls) continue;
    if (slash < 0) sub.classes.add(cls.name);
    else sub.objects.add(entry.slice(slash + 1));
  }
  return sub;
}

/** Formats a generation as an event.from token: `"%020d,%020d"`. */
export function tokenOf(generation: number): string {
  return `${String(generation).padStart(20, "0")},${"0".padStart(20, "0")}`;
}

/**
 * Parses a token; `""` means "from the beginning" (generation 0).
 * @throws XapiFailure EVENT_FROM_TOKEN_PARSE_FAILURE [token]
 */
export function parseToken(token: string): number {
  if (token === "") return 0;
  const match = /^(\d+)(,\d+)?$/.exec(token);
  if (!match) throw new XapiFailure("EVENT_FROM_TOKEN_PARSE_FAILURE", [token]);
  return Number(match[1]);
}

function covers(sub: Subscription, cls: ClassDef, ref: string): boolean {
  return sub.classes.has(cls.name) || sub.objects.has(ref);
}

/** One event.from batch. */
export interface EventBatch {
  events: WireValue[];
  valid_ref_counts: { [table: string]: WireValue };
  token: string;
}

/**
 * The events after generation `since`: one per object (its latest state), add when created after
 * `since`, mod otherwise, del for deletions (not reported for the `""` token).
 * @throws XapiFailure EVENTS_LOST when the token is older than the remembered deletions
 */
export function eventsSince(store: Store, sub: Subscription, since: number, fromStart: boolean): EventBatch {
  if (!fromStart && since < store.horizon) throw new XapiFailure("EVENTS_LOST", []);
  const changes: Array<{ id: number; event: { [k: string]: WireValue } }> = [];
  const counts: { [table: string]: WireValue } = {};
  for (const cls of CLASSES) {
    const objects = store.all(cls.name);
    if (sub.classes.has(cls.name)) counts[cls.name.toLowerCase()] = new XmlRpcInt32(objects.length);
    for (const o of objects) {
      if (o.modified <= since || !covers(sub, cls, o.ref)) continue;
      const operation = o.created > since ? "add" : "mod";
      changes.push({ id: o.modified, event: eventOf(o.modified, cls, operation, o.ref, recordToWire(cls.name, o.record)) });
    }
  }
  if (!fromStart) {
    for (const d of store.deletionsSince(since)) {
      if (covers(sub, d.cls, d.ref)) changes.push({ id: d.deleted, event: eventOf(d.deleted, d.cls, "del", d.ref) });
    }
  }
  changes.sort((a, b) => a.id - b.id);
  return { events: changes.map((c) => c.event), valid_ref_counts: counts, token: tokenOf(store.generation) };
}

function eventOf(id: number, cls: ClassDef, operation: string, ref: string, snapshot?: WireValue): { [k: string]: WireValue } {
  const event: { [k: string]: WireValue } = { id: String(id), timestamp: "0.0", class: cls.name.toLowerCase(), operation, ref };
  if (snapshot !== undefined) event.snapshot = snapshot;
  return event;
}
