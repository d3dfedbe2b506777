import type { Socket } from "node:net";
import type { Client, ClientChannel } from "ssh2";
import { Semaphore, type SlotLease } from "../base/semaphore";
import { dialWithRetry, type DialSpec } from "./dial";
import { SshError } from "./errors";
import { OpenExpired, openWithin } from "./open-within";

/** Pool tuning for one connection. */
export interface PoolSettings {
  /** Channels the server allows per connection (OpenSSH MaxSessions; default there is 10). */
  maxSessions: number;
  /** Close the connection after this long without open channels. */
  idleCloseMs: number;
}

/** A remote process's exit as the server reported it. */
export interface ExitReport {
  code: number | null;
  /** Node-style name, e.g. "SIGKILL". */
  signal: string | null;
}

/** ssh2 reports signals without the "SIG" prefix (OpenSSH sends "KILL"); Node style has it. */
function normaliseSignal(name: string): string {
  return name.startsWith("SIG") ? name : `SIG${name}`;
}

/** How long the server may take to answer a channel request once we have a slot, unless the caller says otherwise. */
export const DEFAULT_OPEN_TIMEOUT_MS = 30_000;

/** Options for {@link PooledConnection.openChannel}. */
export interface OpenChannelOptions<T> {
  /** May take the slot kept for killing commands. */
  priority?: boolean;
  /** Ends the whole wait (for a slot and for the server). */
  signal?: AbortSignal;
  /** Deadline for the server's answer once a slot is ours (default {@link DEFAULT_OPEN_TIMEOUT_MS}). */
  openTimeoutMs?: number;
  /** Closes a channel that opened after the wait ended (its slot is freed on "close"). */
  discard: (channel: T) => void;
}

/** One pooled connection as seen by {@link sshPoolStats}. */
export interface SshConnectionStats {
  /** Secret-free pool key: target, credential hash, host-key policy. */
  key: string;
  target: string;
  activeChannels: number;
  queuedChannels: number;
  /** Channels opened over this connection's life. */
  channelsOpened: number;
}

/** Snapshot of the process-wide pool. */
export interface SshPoolStats {
  /** Successful dials since the process started (a shared connection counts once). */
  dials: number;
  connections: SshConnectionStats[];
}

/** One live, shared SSH connection with bounded channel use and idle close. */
export class PooledConnection {
  readonly slots: Semaphore;
  channelsOpened = 0;
  dead = false;
  /** Set once close() has begun: the connection takes no new channels while it winds down. */
  private closing = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly key: string,
    readonly target: string,
    readonly client: Client,
    private readonly socket: Socket,
    readonly hostKeyFingerprint: string,
    private readonly settings: PoolSettings,
  ) {
    // Ordinary work may use all but one slot; the last is kept for priority work (killing a
    // timed-out command must not wait behind the commands it is meant to stop).
    this.slots = new Semaphore(settings.maxSessions, { reserved: 1, onBusyChange: (busy) => this.onBusyChange(busy) });
    client.on("close", () => this.markDead());
    this.onBusyChange(false);
  }

  /**
   * Whether new channels may be opened. A connection being closed (by us, after idling, or by the
   * server) stops being writable before its "close" event: ssh2 then refuses with "Not connected".
   */
  get usable(): boolean {
    return !this.dead && !this.closing && this.socket.writable && !this.socket.destroyed;
  }

  /**
   * Opens a channel once a slot is free. A refusal while other channels are open means the
   * server's MaxSessions is lower than configured: adopt that and wait for a slot. `signal` ends
   * the whole wait (slot and server); the server's answer alone must come within `openTimeoutMs`
   * (default 30 s). Either ends it with SshError "ABORTED" or "TIMEOUT" (reason "TIMEOUT" when the
   * signal's reason is a TimeoutError); a channel that opens later is discarded and frees its slot.
   */
  async openChannel<T extends NodeJS.EventEmitter>(
    open: (client: Client, callback: (err: Error | undefined, channel: T | undefined) => void) => void,
    what: string,
    options: OpenChannelOptions<T>,
  ): Promise<{ channel: T; lease: SlotLease }> {
    const { signal, openTimeoutMs = DEFAULT_OPEN_TIMEOUT_MS } = options;
    for (let attempt = 0; ; attempt++) {
      if (!this.usable) throw this.closedError(what);
      if (signal?.aborted) throw this.expired(what, true, signal.reason, openTimeoutMs);
      const lease = await this.slots.acquire({ priority: options.priority, signal, fail: () => signal?.reason }).catch((err: unknown) => {
        throw signal?.aborted ? this.expired(what, true, signal.reason, openTimeoutMs) : err;
      });
      const late = (err: Error | undefined, channel: T | undefined) => {
        if (err || !channel) return lease.release();
        channel.once("close", () => lease.release());
        options.discard(channel);
      };
      try {
        const channel = await openWithin<T>((done) => open(this.client, done), openTimeoutMs, signal, late);
        this.channelsOpened++;
        return { channel, lease };
      } catch (err) {
        if (err instanceof OpenExpired) throw this.expired(what, err.bySignal, err.reason, openTimeoutMs);
        const busy = this.slots.stats().running;
        lease.release();
        if (!this.usable) throw this.closedError(what, err);
        if (busy > 1 && attempt < 5) {
          // The server refused a channel below our limit (its MaxSessions is lower): adopt the lower limit.
          this.slots.setLimit(Math.max(2, busy - 1));
          continue;
        }
        throw new SshError("CHANNEL", this.target, `the server refused to open ${what}: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** Nothing ran: the caller may retry on a new connection (see SshError reason "CLOSED"). */
  private closedError(what: string, cause?: unknown): SshError {
    return new SshError("CLOSED", this.target, `cannot open ${what}: the connection is closed`, { cause });
  }

  private expired(what: string, bySignal: boolean, reason: unknown, openTimeoutMs: number): SshError {
    if (!bySignal) return new SshError("TIMEOUT", this.target, `the server did not open ${what} within ${openTimeoutMs} ms`);
    const timedOut = reason instanceof DOMException && reason.name === "TimeoutError";
    return timedOut
      ? new SshError("TIMEOUT", this.target, `timed out waiting to open ${what}`, { cause: reason })
      : new SshError("ABORTED", this.target, `aborted while waiting to open ${what}`, { cause: reason });
  }

  /**
   * Opens an exec channel running `command` (a line built by buildRemoteCommand). The exit
   * report is recorded from the first moment: ssh2 may deliver it in the same socket read as the
   * channel confirmation, before any later listener could be attached.
   */
  async openExec(
    command: string,
    what: string,
    options: Omit<OpenChannelOptions<ClientChannel>, "discard"> = {},
  ): Promise<{ channel: ClientChannel; lease: SlotLease; exitReport: () => ExitReport | undefined }> {
    let report: ExitReport | undefined;
    const opened = await this.openChannel<ClientChannel>(
      (client, cb) =>
        client.exec(command, (err, channel) => {
          channel?.on("exit", (code: number | null, signalName?: string) => {
            report = { code: code ?? null, signal: signalName ? normaliseSignal(signalName) : null };
          });
          cb(err, channel);
        }),
      what,
      // A command that started after we stopped waiting: closing its channel hangs it up.
      { ...options, discard: (channel) => channel.close() },
    );
    return { ...opened, exitReport: () => report };
  }

  /** Closes the connection (open channels end with it). */
  close(): Promise<void> {
    if (this.dead) return Promise.resolve();
    // From now on callers get a new connection instead of this one, which is winding down.
    this.closing = true;
    forget(this);
    return new Promise((resolve) => {
      this.client.once("close", () => resolve());
      this.client.end();
      // A server that never answers the disconnect must not hold us: drop the socket soon after.
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    });
  }

  private onBusyChange(busy: boolean): void {
    clearTimeout(this.idleTimer);
    if (busy) {
      this.socket.ref();
      return;
    }
    // An idle pooled connection must not keep the Node process alive.
    this.socket.unref();
    this.idleTimer = setTimeout(() => void this.close(), this.settings.idleCloseMs);
    this.idleTimer.unref();
  }

  private markDead(): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.idleTimer);
    forget(this);
    this.slots.rejectAll(new SshError("CLOSED", this.target, "the connection closed while waiting for a channel"));
  }
}

interface PoolEntry {
  connection?: PooledConnection;
  dialing?: Promise<PooledConnection>;
  /** Stops the shared dial when every caller waiting on it gave up, or on close. */
  dialAbort: AbortController;
  waiters: number;
}

const pool = new Map<string, PoolEntry>();
let dials = 0;

/**
 * Returns the live connection for `key`, dialling once for all concurrent callers. A caller's
 * signal stops its own wait; the shared dial stops only when no caller is left waiting.
 */
export async function pooledConnection(key: string, spec: Omit<DialSpec, "signal">, settings: PoolSettings, signal?: AbortSignal): Promise<PooledConnection> {
  const existing = pool.get(key);
  if (existing?.connection?.usable) return existing.connection;
  if (existing?.connection) forget(existing.connection); // being closed, or dropped by the server
  const entry = existing?.dialing ? existing : startDial(key, spec, settings);
  return waitForDial(entry, signal, spec.target);
}

function startDial(key: string, spec: Omit<DialSpec, "signal">, settings: PoolSettings): PoolEntry {
  const entry: PoolEntry = { dialAbort: new AbortController(), waiters: 0 };
  entry.dialing = dialWithRetry({ ...spec, signal: entry.dialAbort.signal }).then(
    (dialed) => {
      dials++;
      const connection = new PooledConnection(key, spec.target, dialed.client, dialed.socket, dialed.hostKeyFingerprint, settings);
      entry.dialing = undefined;
      if (pool.get(key) === entry) entry.connection = connection;
      else void connection.close(); // closed while dialling: nobody may use it
      return connection;
    },
    (err: unknown) => {
      if (pool.get(key) === entry) pool.delete(key);
      throw err;
    },
  );
  pool.set(key, entry);
  return entry;
}

function waitForDial(entry: PoolEntry, signal: AbortSignal | undefined, target: string): Promise<PooledConnection> {
  const dialing = entry.dialing!;
  entry.waiters++;
  if (!signal) return dialing;
  return new Promise<PooledConnection>((resolve, reject) => {
    const onAbort = () => {
      if (--entry.waiters === 0) entry.dialAbort.abort(signal.reason);
      reject(new SshError("ABORTED", target, "aborted while connecting", { cause: signal.reason }));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    dialing.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function forget(connection: PooledConnection): void {
  const entry = pool.get(connection.key);
  if (entry?.connection === connection) pool.delete(connection.key);
}

/** Closes the pooled connection for one key, if any. */
export async function closePooledConnection(key: string): Promise<void> {
  const entry = pool.get(key);
  pool.delete(key);
  entry?.dialAbort.abort(new Error("the SSH connection pool was closed"));
  await entry?.dialing?.catch(() => undefined);
  await entry?.connection?.close();
}

/** Closes every pooled SSH connection (call on shutdown). */
export async function closeAllSshConnections(): Promise<void> {
  await Promise.all([...pool.keys()].map((key) => closePooledConnection(key)));
}

/** A snapshot of the connection pool, for tests and diagnostics. */
export function sshPoolStats(): SshPoolStats {
  const connections: SshConnectionStats[] = [];
  for (const entry of pool.values()) {
    const c = entry.connection;
    if (!c || c.dead) continue;
    connections.push({ key: c.key, target: c.target, activeChannels: c.slots.stats().running, queuedChannels: c.slots.stats().waiting, channelsOpened: c.channelsOpened });
  }
  return { dials, connections };
}
