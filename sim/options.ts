/** Options of `startSimulator`. */
import type { GuestHost } from "./guest/types";
import type { GuestHostOptions } from "./guest";
import type { FaultRuleInput } from "./ops/faults";
import type { FakeGuestOptions } from "./guest/fake-guests";
import type { LatencyOptions } from "./ops/latency";
import type { DatabaseGcOptions } from "./rpc/database-gc";

/** How to start the simulated pool. Every field is optional. */
export interface SimulatorOptions {
  /** Address the master listens on. Default "127.0.0.1". */
  host?: string;
  /** Port; default 0 (a free one). */
  port?: number;
  /** Serve HTTPS with a fresh self-signed certificate instead of HTTP. Default false. */
  https?: boolean;
  /** Serve JSON-RPC on /jsonrpc. false makes /jsonrpc fall through to XML-RPC (old hosts). Default true. */
  jsonRpc?: boolean;
  /** Login user. Default "root". */
  username?: string;
  /** Login password. Default: random per run. */
  password?: string;
  /** Delay before SESSION_AUTHENTICATION_FAILED, ms. Default 5000 (as xapi). */
  loginFailureDelayMs?: number;
  /**
   * The pool member that answers every call with HOST_IS_SLAVE: its address (same port when
   * free). Default "127.0.0.2"; false = no member listener.
   */
  slaveHost?: string | false;
  /**
   * The guest layer. Default: real sshd guests (`createGuestHost(options.guest)`); `false`: no
   * processes, metrics with fake 127.66.x.y addresses at once. An injected GuestHost is not
   * disposed by `stop()`.
   */
  guests?: GuestHost | false;
  /** Options of the fake guests used with `guests: false` (report delay, link-local first). */
  fakeGuests?: FakeGuestOptions;
  /** Options of the default guest layer (authorized keys, boot delay, …). */
  guest?: GuestHostOptions;
  /** Latency model. */
  latency?: LatencyOptions;
  /** Fault rules active from the start. */
  faults?: FaultRuleInput[];
  /**
   * Hosts in the pool ("xcp-sim-1" the master, "xcp-sim-2", …), each live with an eth0 PIF on the
   * management network. Only the master and the first member listen. Default 2.
   */
  hosts?: number;
  /**
   * Halted VMs added to the seeded pool, each with a copy-on-write disk and another resource's
   * finished marker, so scale tests see a pool of that size. Default 0.
   */
  fillerVms?: number;
  /** VLAN tags the simulated kernel already uses (VLAN.create → VLAN_IN_USE). Default [999]. */
  kernelVlanTags?: number[];
  /**
   * How long a VM operation waits for a conflicting one on the same VM before it fails with
   * OTHER_OPERATION_IN_PROGRESS, ms. Default `XAPI_OPERATION_WAIT_MS` (2 hours, xapi's retry policy);
   * 0 fails at once.
   */
  operationWaitMs?: number;
  /**
   * xapi's database GC: sessions inactive longer than `inactiveSessionTimeoutMs` (default 24 h)
   * and not running a task, and the least recently active beyond the per-originator limit
   * (default 500), are destroyed by a pass every `intervalMs` (default 30 s); tasks destroyed
   * while pending go once finished. Tests set a short timeout to see leaked sessions end.
   */
  databaseGc?: DatabaseGcOptions;
  /** Keep every call (method and decoded params) for `Simulator.calls()`, so tests can replay a client's calls through the strict check. Default false. */
  recordCalls?: boolean;
}

/** xapi's Helpers.Policy.standard: a VM operation waits up to 2 hours for a conflicting one. */
export const XAPI_OPERATION_WAIT_MS = 2 * 60 * 60 * 1000;
