/** The one XAPI session a client shares between concurrent calls, and the host it lives on. */
import type { Agent } from "undici";
import { Wait } from "../base/deadline";
import { XapiError, xapiWaitError } from "./errors";
import { masterUrlFor } from "./master-url";
import { assertPlainHttpIsLocal } from "./plain-http";
import { redactError } from "./redact";
import { createTransport, type XapiTransport } from "./transport";
import type { JsonRpcOutcome } from "./wire/jsonrpc";
import type { WireValue } from "./wire/values";

/** At most this many `HOST_IS_SLAVE` redirects are followed for one login or call. */
export const MAX_REDIRECTS = 2;
const LOGOUT_TIMEOUT_MS = 5_000;

/** What the keeper needs to log in. */
export interface SessionKeeperOptions {
  /** the client's Agent, shared by every transport */
  agent: Agent;
  /** the transport to the first host */
  transport: XapiTransport;
  /** user name */
  username: string;
  /** password; kept private and masked out of every error */
  password: string;
  /** originator string sent at login */
  originator: string;
  /** milliseconds a login may take (a wrong password costs xapi ~5 s on purpose) */
  loginTimeoutMs: number;
  /** fires when the client closes */
  closeSignal: AbortSignal;
  /** called for every HTTP call made, for statistics */
  onSend: (method: string) => void;
}

type SessionEntry = { promise: Promise<string>; ref?: string };

/** Logs in once, shares the session, re-logs in once per stale session, follows the pool master. */
export class SessionKeeper {
  private current?: SessionEntry;
  /** Logouts of refused sessions still in flight: {@link logout} (the client's close) waits for them. */
  private readonly endings = new Set<Promise<void>>();
  private transportInUse: XapiTransport;
  private readonly options: Omit<SessionKeeperOptions, "password">;
  /** An ES private field, so that util.inspect and JSON never show it. */
  readonly #password: string;

  /** @param options credentials, transport and hooks */
  constructor(options: SessionKeeperOptions) {
    const { password, ...rest } = options;
    this.#password = password;
    this.options = rest;
    this.transportInUse = options.transport;
  }

  /** The transport to the current (master) host. */
  get transport(): XapiTransport {
    return this.transportInUse;
  }

  /** The session ref once logged in, else undefined. */
  get sessionRef(): string | undefined {
    return this.current?.ref;
  }

  /** Sends one call to the current host, counting it. */
  send(method: string, params: readonly WireValue[], deadline: Wait): Promise<JsonRpcOutcome> {
    this.options.onSend(method);
    return this.transportInUse.call(method, params, deadline);
  }

  /** The shared session, logging in if there is none yet. */
  session(deadline: Wait): Promise<string> {
    this.current ??= this.startLogin();
    return deadline.race(this.current.promise);
  }

  /**
   * A fresh session after `staleRef` was refused. Concurrent callers holding the same stale ref
   * share one login.
   */
  renew(staleRef: string, deadline: Wait): Promise<string> {
    if (!this.current || this.current.ref === staleRef) {
      this.current = this.startLogin();
      // Best effort: a session refused by a proxy or a restarting xapi may still be open there.
      this.endInBackground(staleRef);
    }
    return deadline.race(this.current.promise);
  }

  /**
   * Moves to the pool master named by `HOST_IS_SLAVE` (answered to a call made with `staleRef`)
   * and logs in there; concurrent callers with the same stale ref share the move.
   */
  moveToMaster(masterAddress: string, staleRef: string, deadline: Wait): Promise<string> {
    if (!this.current || this.current.ref === staleRef) {
      this.switchHost(masterAddress);
      this.current = this.startLogin(staleRef);
    }
    return deadline.race(this.current.promise);
  }

  /** Logs out if a session exists, and waits for the logouts of refused sessions (errors ignored: the sessions are being given up anyway). */
  async logout(): Promise<void> {
    const entry = this.current;
    this.current = undefined;
    const ref = await entry?.promise.catch(() => undefined);
    if (ref) await this.endSession(ref);
    await Promise.all(this.endings);
  }

  /** Logs `ref` out without holding up the caller; {@link logout} waits for it. */
  private endInBackground(ref: string): void {
    const ending = this.endSession(ref);
    this.endings.add(ending);
    void ending.finally(() => this.endings.delete(ending));
  }

  private async endSession(ref: string): Promise<void> {
    const deadline = new Wait({ deadline: LOGOUT_TIMEOUT_MS }, "session.logout", xapiWaitError);
    await this.send("session.logout", [ref], deadline)
      .catch(() => undefined)
      .finally(() => deadline.done());
  }

  /** Masks the password in an error. */
  redact(error: unknown): unknown {
    return redactError(error, this.#password);
  }

  /**
   * Starts a login. `replacedRef` is a session that may still be alive (sessions are pool-wide,
   * so one made before a master change survives it): it is logged out so that it does not leak.
   */
  private startLogin(replacedRef?: string): SessionEntry {
    const promise = this.login().then(async (ref) => {
      if (replacedRef) await this.endSession(replacedRef);
      return ref;
    });
    const entry: SessionEntry = { promise };
    entry.promise.then(
      (ref) => (entry.ref = ref),
      () => {
        if (this.current === entry) this.current = undefined;
      },
    );
    return entry;
  }

  private async login(): Promise<string> {
    const method = "session.login_with_password";
    const deadline = new Wait({ deadline: this.options.loginTimeoutMs, signal: this.options.closeSignal }, `${method} as ${this.options.username}`, xapiWaitError);
    const params = [this.options.username, this.#password, "1.1", this.options.originator];
    try {
      for (let redirects = 0; ; redirects++) {
        const outcome = await this.send(method, params, deadline);
        if (outcome.ok) return String(outcome.result);
        if (outcome.code !== "HOST_IS_SLAVE" || redirects >= MAX_REDIRECTS) throw new XapiError(outcome.code, outcome.params, method);
        this.switchHost(String(outcome.params[0] ?? ""));
      }
    } catch (error) {
      throw this.redact(error);
    } finally {
      deadline.done();
    }
  }

  private switchHost(masterAddress: string): void {
    const url = masterUrlFor(this.transportInUse.endpoint, masterAddress);
    assertPlainHttpIsLocal(url);
    this.transportInUse = createTransport(this.transportInUse.kind, url, this.options.agent);
  }
}
