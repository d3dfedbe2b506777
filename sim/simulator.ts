/** startSimulator: the XAPI pool simulator as a running object. */
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { SimCore } from "./rpc/core";
import { createFakeGuestHost } from "./guest/fake-guests";
import { createGuestHost, type SimGuestHost } from "./guest";
import type { GuestHost } from "./guest/types";
import { buildMethodTable } from "./methods";
import { recordGuestMetrics } from "./methods/guest-link";
import type { XRecord } from "./model/record";
import { Store } from "./model/store";
import { Faults } from "./ops/faults";
import { Latency } from "./ops/latency";
import { dispatch } from "./rpc/dispatch";
import { XapiFailure } from "./model/failure";
import { seedPool } from "./seed";
import { readVdiContent } from "./model/vdi-content";
import { handleImportRawVdi, isImportRawVdi } from "./disk-io/import-raw-vdi";
import { deriveAllowedOperations } from "./methods/vm-lifecycle";
import { deriveVdiOperations } from "./methods/vdi-operations";
import { XAPI_OPERATION_WAIT_MS, type SimulatorOptions } from "./options";
import { databaseGcSettings, startDatabaseGc } from "./rpc/database-gc";
import { startListener, type HttpHandler, type Listener } from "./server/listener";
import { generateCertificate } from "./server/tls";

/** One call as the simulator received it (params decoded from the wire). */
export interface RecordedCall {
  method: string;
  params: unknown[];
}

/** A running simulated pool. */
export interface Simulator {
  /** The master's URL, e.g. "http://127.0.0.1:40123" (https:// with `https: true`). */
  readonly url: string;
  /** The pool member's URL (answers HOST_IS_SLAVE), when it listens. */
  readonly slaveUrl?: string;
  readonly username: string;
  readonly password: string;
  /** The served certificate (HTTPS only). */
  readonly certificatePem?: string;
  /** Its SHA-256 fingerprint, "AB:CD:…" (HTTPS only). */
  readonly certificateFingerprint256?: string;
  /** The latency model; `latency.set({...})` changes it while running. */
  readonly latency: Latency;
  /** Fault rules; `faults.add(rule)` / `faults.clear()` while running. */
  readonly faults: Faults;
  /** The guest layer in use. */
  readonly guestHost: GuestHost;
  /**
   * The real sshd guest layer when the simulator made it (default `guests`): host keys
   * (`hostKeyFingerprint(vmUuid)`, `knownHosts(vmUuid)`) for pinning, addresses, areas.
   */
  readonly sshGuests?: SimGuestHost;
  /** Invalidates every session: the next call with one gets SESSION_INVALID. */
  expireSessions(): void;
  /** Number of live sessions (leak checks). */
  sessionCount(): number;
  /** What clients have asked of the master so far: calls per method and bytes both ways. */
  traffic(): SimTraffic;
  /** The calls received so far, in order (only with `recordCalls: true`; else empty). */
  calls(): readonly RecordedCall[];
  /** Copies of every record of a class, with refs. */
  objects(className: string): Array<{ ref: string; record: XRecord }>;
  /** A copy of one record, or undefined. */
  record(className: string, ref: string): XRecord | undefined;
  /** The bytes uploaded into a VDI (`PUT /import_raw_vdi`); empty when none (or the VDI is gone). */
  vdiContent(vdi: string): Buffer;
  /** The ref of the object with this uuid, or undefined. */
  refOf(uuid: string): string | undefined;
  /**
   * Records guest-agent metrics for a running VM (ref or uuid) as if its agent reported them,
   * e.g. a link-local address first. Throws when the VM does not exist or is not running.
   */
  reportGuestMetrics(vm: string, networks: Record<string, string>): void;
  /** Stops listeners, tasks, the database GC and guests; removes what it made. Idempotent. */
  stop(): Promise<void>;
}

/** Calls and bytes the master served since it started (see {@link Simulator.traffic}). */
export interface SimTraffic {
  /** Calls answered, over both transports. */
  calls: number;
  /** Calls per method name, e.g. `{ "VM.get_record": 3 }`. */
  byMethod: Record<string, number>;
  /** Bytes received from clients (requests, HTTP headers included). */
  bytesReceived: number;
  /** Bytes sent to clients (responses, HTTP headers included). */
  bytesSent: number;
}

function urlOf(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

async function startSlave(core: SimCore, host: string, preferredPort: number, tls: { cert: string; key: string } | undefined, jsonRpc: boolean, httpHandlers: readonly HttpHandler[], masterUrl: string): Promise<Listener | undefined> {
  const call = async () => {
    throw new XapiFailure("HOST_IS_SLAVE", [core.refs.masterAddress]);
  };
  for (const port of [preferredPort, 0]) {
    try {
      return await startListener(core, call, { host, port, tls, jsonRpc, httpHandlers, masterUrl });
    } catch {
      // Same port taken on that address: fall back to any port; no such address: no member.
    }
  }
  return undefined;
}

/**
 * Starts a simulated XCP-ng pool: XML-RPC and JSON-RPC on one port, a seeded pool, a member
 * answering HOST_IS_SLAVE, guests per the options.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  // A wildcard bind is reached (and advertised in HOST_IS_SLAVE) through loopback.
  const advertised = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const slaveHost = options.slaveHost === undefined ? "127.0.0.2" : options.slaveHost;
  const ownsGuests = options.guests === undefined || options.guests === false;
  const sshGuests = options.guests === undefined ? createGuestHost(options.guest ?? { authorizedKeys: [] }) : undefined;
  const guests: GuestHost = sshGuests ?? (options.guests === false ? createFakeGuestHost(options.fakeGuests) : options.guests!);
  const stopper = new AbortController();
  // Every pending call (event.from, stalls, tasks) listens for the stop.
  setMaxListeners(0, stopper.signal);
  const store = new Store();
  deriveAllowedOperations(store);
  deriveVdiOperations(store);
  const core: SimCore = {
    store,
    methods: buildMethodTable(),
    username: options.username ?? "root",
    password: options.password ?? randomBytes(18).toString("base64url"),
    loginFailureDelayMs: options.loginFailureDelayMs ?? 5000,
    guests,
    latency: new Latency(options.latency),
    faults: new Faults(options.faults),
    refs: seedPool(store, { master: advertised, member: slaveHost || advertised }, { hosts: options.hosts, fillerVms: options.fillerVms }),
    kernelVlanTags: options.kernelVlanTags ?? [999],
    stopSignal: stopper.signal,
    operationWaitMs: options.operationWaitMs ?? XAPI_OPERATION_WAIT_MS,
    gc: databaseGcSettings(options.databaseGc),
  };
  const certificate = options.https ? generateCertificate([advertised, "localhost", ...(slaveHost ? [slaveHost] : [])]) : undefined;
  const tls = certificate && { cert: certificate.certificatePem, key: certificate.privateKeyPem };
  const jsonRpc = options.jsonRpc ?? true;
  const byMethod = new Map<string, number>();
  const recorded: RecordedCall[] = [];
  const call = (method: string, params: readonly unknown[]) => {
    byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
    if (options.recordCalls) recorded.push({ method, params: structuredClone([...params]) });
    return dispatch(core, method, params);
  };
  const httpHandlers: HttpHandler[] = [{ matches: isImportRawVdi, serve: (req, res) => handleImportRawVdi(core, req, res) }];
  let master: Listener;
  try {
    master = await startListener(core, call, { host, port: options.port ?? 0, tls, jsonRpc, httpHandlers });
  } catch (error) {
    stopper.abort();
    if (ownsGuests) await guests.dispose();
    throw new Error(`simulator: cannot listen on ${host}:${options.port ?? 0} (${(error as Error).message}); choose another --port/--host`);
  }
  startDatabaseGc(core);
  const scheme = options.https ? "https" : "http";
  const slave = slaveHost ? await startSlave(core, slaveHost, master.port, tls, jsonRpc, httpHandlers, urlOf(scheme, advertised, master.port)) : undefined;
  let stopping: Promise<void> | undefined;
  const copy = (record: XRecord) => structuredClone(record);

  return {
    url: urlOf(scheme, advertised, master.port),
    slaveUrl: slave && slaveHost ? urlOf(scheme, slaveHost, slave.port) : undefined,
    username: core.username,
    password: core.password,
    certificatePem: certificate?.certificatePem,
    certificateFingerprint256: certificate?.fingerprint256,
    latency: core.latency,
    faults: core.faults,
    guestHost: guests,
    sshGuests,
    expireSessions: () => store.all("session").forEach((s) => store.destroy("session", s.ref)),
    sessionCount: () => store.all("session").length,
    traffic() {
      const bytes = master.bytes();
      const counts = Object.fromEntries(byMethod);
      return { calls: Object.values(counts).reduce((sum, n) => sum + n, 0), byMethod: counts, bytesReceived: bytes.received, bytesSent: bytes.sent };
    },
    calls: () => recorded,
    objects: (className) => store.all(className).map((o) => ({ ref: o.ref, record: copy(o.record) })),
    record: (className, ref) => (store.has(className, ref) ? copy(store.get(className, ref)) : undefined),
    vdiContent: (vdi) => Buffer.from(readVdiContent(store, vdi)),
    refOf: (uuid) => store.refOfUuid(uuid),
    reportGuestMetrics(vm, networks) {
      const ref = vm.startsWith("OpaqueRef:") ? vm : store.refByUuid("VM", vm);
      const record = store.get("VM", ref);
      if (record.power_state !== "Running") throw new Error(`reportGuestMetrics: VM ${record.uuid} is ${record.power_state}, not Running`);
      recordGuestMetrics(core, ref, networks);
    },
    stop() {
      stopping ??= (async () => {
        stopper.abort();
        await Promise.all([master.close(), slave?.close()]);
        if (ownsGuests) await guests.dispose();
      })();
      return stopping;
    },
  };
}
