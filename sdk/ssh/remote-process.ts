import type { ClientChannel } from "ssh2";
import { timeoutSignal } from "../base/timeout-signal";
import type { SlotLease } from "../base/semaphore";
import { SshError } from "./errors";
import type { ExitReport, PooledConnection } from "./pool";
import { buildKillCommand, PgidMarkerStripper } from "./remote-command";

/** How a remote process ended. `lostConnection` is true when the channel closed without any exit report. */
export interface RemoteExit {
  exitCode: number | null;
  signal: string | null;
  lostConnection: boolean;
}

/** How long a killed process may take before we stop waiting and close its channel ourselves. */
const KILL_SETTLE_MS = 10_000;
const PGID_WAIT_MS = 5_000;
/** Opening the kill channel, running `kill` and the channel closing must fit in this. */
const KILL_CHANNEL_MS = 10_000;

/**
 * One command running on an exec channel started by buildRemoteCommand(): strips the
 * process-group marker from stdout and can signal the whole remote process group over a
 * second (priority) channel, so nothing the command started survives a kill.
 */
export class RemoteProcess {
  /** Stdout without the marker line. */
  readonly stdout: PgidMarkerStripper;
  /** Settles once the channel has closed (the process ended or the connection was lost). */
  readonly exited: Promise<RemoteExit>;
  private readonly pgid: Promise<number | undefined>;
  private closed = false;

  constructor(
    private readonly connection: PooledConnection,
    readonly channel: ClientChannel,
    lease: SlotLease,
    exitReport: () => ExitReport | undefined,
  ) {
    let resolvePgid!: (id: number | undefined) => void;
    this.pgid = new Promise((resolve) => (resolvePgid = resolve));
    this.stdout = new PgidMarkerStripper((id) => resolvePgid(id));
    channel.pipe(this.stdout);
    const closed = new Promise<void>((resolve) => channel.once("close", () => resolve()));
    // ssh2 emits "close" only after the channel's stdout ended, so all output has reached the
    // stripper; consumers that want every byte wait for the streams themselves (see exec).
    this.exited = closed.then(() => {
      this.closed = true;
      resolvePgid(undefined);
      lease.release();
      const status = exitReport();
      return { exitCode: status?.code ?? null, signal: status?.signal ?? null, lostConnection: status === undefined };
    });
  }

  /** Sends a signal to the remote process group (no-op once it has ended). */
  async signal(signal: "TERM" | "KILL"): Promise<void> {
    const pgid = await Promise.race([this.pgid, delay(PGID_WAIT_MS)]);
    if (this.closed) return;
    if (pgid === undefined) {
      // The marker never came (the command could not start): closing the channel is all we can do.
      this.channel.close();
      return;
    }
    try {
      const deadline = timeoutSignal(KILL_CHANNEL_MS);
      const what = "a channel to kill a command";
      const { channel, lease } = await this.connection.openExec(buildKillCommand(pgid, signal), what, { priority: true, signal: deadline });
      channel.resume();
      channel.stderr.resume();
      const closed = new Promise<true>((resolve) => channel.once("close", () => resolve(true)));
      void closed.then(() => lease.release());
      if (!(await Promise.race([closed, untilAborted(deadline)]))) {
        channel.close(); // its slot is freed once the server confirms
        throw new SshError("TIMEOUT", this.connection.target, `${what} did not close within ${KILL_CHANNEL_MS} ms`);
      }
    } catch (err) {
      if (!(err instanceof SshError)) throw err;
      this.channel.close();
    }
  }

  /** TERM (when graceMs > 0) then KILL the group; resolves once the channel has closed. */
  async terminate(graceMs: number): Promise<RemoteExit> {
    if (graceMs > 0) {
      await this.signal("TERM");
      if (await settlesWithin(this.exited, graceMs)) return this.exited;
    }
    await this.signal("KILL");
    if (!(await settlesWithin(this.exited, KILL_SETTLE_MS))) this.channel.close();
    return this.exited;
  }
}

function untilAborted(signal: AbortSignal): Promise<false> {
  return new Promise((resolve) => (signal.aborted ? resolve(false) : signal.addEventListener("abort", () => resolve(false), { once: true })));
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), delay(ms).then(() => false)]);
}
