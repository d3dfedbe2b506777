/** The simulator's shared state, handed to every method handler. */
import type { GuestHost } from "../guest/types";
import type { Store } from "../model/store";
import type { Faults } from "../ops/faults";
import type { Latency } from "../ops/latency";
import type { MethodTable } from "./method";

/** Refs of the seeded pool objects handlers need. */
export interface PoolRefs {
  pool: string;
  master: string;
  member: string;
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
}
