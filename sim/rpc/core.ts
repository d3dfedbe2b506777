/** The simulator's shared state and the contract of a method handler (one file: they refer to each other). */
import type { GuestHost } from "../guest/types";
import type { FieldType } from "../schema";
import type { Store } from "../model/store";
import type { Faults } from "../ops/faults";
import type { Latency } from "../ops/latency";
import type { DatabaseGcSettings } from "./database-gc";

/** Refs of the seeded pool objects handlers need. */
export interface PoolRefs {
  pool: string;
  master: string;
  /** The address HOST_IS_SLAVE points clients to. */
  masterAddress: string;
}

/** Everything a method handler may use. */
export interface SimCore {
  store: Store;
  methods: MethodTable;
  username: string;
  password: string;
  /** Delay before SESSION_AUTHENTICATION_FAILED, ms. */
  loginFailureDelayMs: number;
  guests: GuestHost;
  latency: Latency;
  faults: Faults;
  refs: PoolRefs;
  /** VLAN tags the simulated kernel already uses on every device (VLAN.create → VLAN_IN_USE). */
  kernelVlanTags: readonly number[];
  /** Aborts when the simulator stops: ends stalls, event.from waits and pending tasks. */
  stopSignal: AbortSignal;
  /**
   * How long a VM operation waits for a conflicting one on the same VM to finish before it fails
   * with OTHER_OPERATION_IN_PROGRESS, ms (xapi's retry policy: 2 hours).
   */
  operationWaitMs: number;
  /** The database GC's settings: session timeout and limits, pass interval, last_active refresh threshold. */
  gc: DatabaseGcSettings;
}

/** One positional parameter (after the session ref). A `default` makes it optional when trailing. */
export interface ParamDef {
  name: string;
  type: FieldType;
  default?: unknown;
}

/** What a handler gets besides its arguments. */
export interface CallContext {
  core: SimCore;
  /** The caller's session ref ("" for session-less methods). */
  session: string;
  /** The method name without `Async.`. */
  method: string;
  /** Aborts when the simulator stops or the task is cancelled. */
  signal: AbortSignal;
  /** The task the call runs under: the Async task, the sync task of a guarded call, else "". */
  task: string;
}

/** Marks an object busy for the length of a call (xapi's with_vm_operation); returns the release. */
export type CallGuard = (ctx: CallContext, args: unknown[]) => Promise<(() => void) | undefined>;

/** A method: its signature and its implementation. */
export interface MethodDef {
  name: string;
  params: ParamDef[];
  result: FieldType;
  /** false for system.listMethods, the one method outside the API description (which says it for the others). */
  session?: boolean;
  /** Checked and held before the call's latency and handler, released after (sync calls then get a task, as xapi gives them). */
  guard?: CallGuard;
  handler(ctx: CallContext, ...args: any[]): unknown;
}

/** The method table, by name. */
export type MethodTable = Map<string, MethodDef>;
