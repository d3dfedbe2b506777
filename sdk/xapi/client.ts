/** XapiClient: a session-keeping XAPI client over JSON-RPC or XML-RPC. */
import { once } from "node:events";
import type { Agent } from "undici";
import { maskUrlCredentials } from "../base/mask-credentials";
import { assertPrintable } from "../base/printable";
import { Wait, type DeadlineOptions, type WaitOptions } from "../base/deadline";
import { phaseBound } from "../base/phase-scope";
import { linkedSignal, sharedAbortController } from "../base/timeout-signal";
import { retryWhileBusy } from "./busy-retry";
import { XapiError, XapiTransportError, XapiWaitError, xapiWaitError } from "./errors";
import { watchEvents, waitForEvent, type XapiEvent, type WatchOptions } from "./events";
import { putBody, type UploadProgress } from "./http-put";
import { TaskLedger } from "./lost-tasks";
import { normalizeResult } from "./normalize";
import { assertPlainHttpIsLocal } from "./plain-http";
import { MAX_CALL_RETRIES, isReadOnlyMethod, lostExchangeAdvice, mayResendAfterTransportError } from "./retry";
import { SessionKeeper, MAX_REDIRECTS } from "./session";
import type { XapiCaller } from "./caller";
import { waitForTask, type TaskCleanup } from "./tasks";
import { createXapiAgent, type XapiTlsOptions } from "./tls";
import type { XapiTransportKind } from "./transport";
import { chooseTransport, type XapiTransportChoice } from "./transport-detect";
import type { JsonRpcOutcome } from "./wire/jsonrpc";
import type { WireValue } from "./wire/values";

/** How to reach and log in to a XAPI host. */
export interface XapiConnectOptions {
  /** `https://host[:port]`, or `http://` to localhost/127.x/[::1] only (a local simulator); only scheme, host and port are used */
  url: string;
  /** XAPI user, e.g. `root` */
  username: string;
  /** its password; never appears in errors */
  password: string;
  /** protocol; `"auto"` (default) tries JSON-RPC on /jsonrpc and falls back to XML-RPC on / */
  transport?: XapiTransportChoice;
  /** certificate trust for https; verification is always on */
  tls?: XapiTlsOptions;
  /** names this client in the host's session list (default `bioxen-luavm`) */
  originator?: string;
  /** aborts connecting (not later calls) */
  signal?: AbortSignal;
  /** deadline for each call and for connecting, in ms (default 30 000) */
  timeoutMs?: number;
  /** default deadline for `callAsync` tasks, in ms (default 600 000) */
  taskTimeoutMs?: number;
}

/** Options of {@link XapiClient.putToHandler}: a deadline and signal for the whole upload, and progress reports. */
export interface XapiPutOptions extends DeadlineOptions {
  /** called after each chunk handed to the connection */
  onProgress?: UploadProgress;
}

/** Per-call options: a deadline (a Deadline, or milliseconds from now; default: the client's timeoutMs) and a signal. */
export type XapiCallOptions = DeadlineOptions;

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_TASK_TIMEOUT_MS = 600_000;
/** How long close() gives in-flight tasks to be cancelled and destroyed, in total, before logging out. */
const CLOSE_TASK_CLEANUP_MS = 2_000;
const SESSIONLESS = new Set(["session.login_with_password", "session.slave_local_login_with_password"]);

/** A connected XAPI client. Create it with {@link XapiClient.connect}; end it with {@link XapiClient.close}. */
export class XapiClient {
  /** Fires on close(): ends every pending call and wait. */
  private readonly closer = sharedAbortController();
  /** Fires CLOSE_TASK_CLEANUP_MS into close(), and before logout: ends task cleanup calls. */
  private readonly cleanupCutoff = sharedAbortController();
  private closing?: Promise<void>;
  /** Task waits in flight (settled copies); close() lets them cancel and destroy their tasks first. */
  private readonly taskWaits = new Set<Promise<void>>();
  /** Makes the cleanup calls of task waits, still allowed while close() is ending them. */
  private readonly cleaner: XapiCaller = {
    callWith: (options, method, ...params) => this.sendWithin(options, method, params, this.cleanupCutoff.signal),
  };
  /** Tasks held by callers and `Async.*` answers on their way: what a lost answer's cleanup must not touch. */
  private readonly ledger = new TaskLedger();
  private readonly counts = new Map<string, number>();
  private keeper!: SessionKeeper;

  private constructor(
    private readonly agent: Agent,
    private readonly timeoutMs: number,
    private readonly taskTimeoutMs: number,
  ) {}

  /**
   * Connects and logs in (`session.login_with_password(user, pwd, "1.1", originator)`),
   * following `HOST_IS_SLAVE` to the pool master.
   * @throws XapiError (e.g. SESSION_AUTHENTICATION_FAILED), XapiTransportError, XapiWaitError
   */
  static async connect(options: XapiConnectOptions): Promise<XapiClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const client = new XapiClient(createXapiAgent(options.tls), timeoutMs, options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS);
    try {
      const baseUrl = checkedBaseUrl(options.url, options.tls);
      assertPrintable(options.username, "username");
      const deadline = new Wait({ deadline: timeoutMs, signal: options.signal }, `XAPI host ${baseUrl}`, xapiWaitError);
      const transport = await chooseTransport(options.transport ?? "auto", baseUrl, client.agent, deadline);
      client.keeper = new SessionKeeper({
        agent: client.agent,
        transport,
        username: options.username,
        password: options.password,
        originator: options.originator ?? "bioxen-luavm",
        loginTimeoutMs: timeoutMs,
        closeSignal: client.closer.signal,
        onSend: (method) => client.counts.set(method, (client.counts.get(method) ?? 0) + 1),
      });
      await client.keeper.session(deadline).finally(() => deadline.done());
      return client;
    } catch (error) {
      await client.agent.destroy().catch(() => undefined);
      throw error;
    }
  }

  /** The session ref in use (undefined between a refused session and the next login). */
  get sessionRef(): string | undefined {
    return this.keeper.sessionRef;
  }

  /** The protocol in use. */
  get transport(): XapiTransportKind {
    return this.keeper.transport.kind;
  }

  /** Origin of the host the client talks to: the pool master after any HOST_IS_SLAVE redirect. */
  get poolMasterUrl(): string {
    return new URL(this.keeper.transport.endpoint).origin;
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.closer.signal.aborted;
  }

  /**
   * Calls a XAPI method; the session ref is inserted as the first parameter (except for
   * `system.*` and login methods). Records, `get_<field>` values and event snapshots come back
   * with numeric fields converted by their declared type, so both transports give the same values.
   * @throws XapiError with the XAPI code, params and method
   */
  call(method: string, ...params: WireValue[]): Promise<unknown> {
    return this.callWith({}, method, ...params);
  }

  /** {@link call} with a per-call deadline and AbortSignal; TOO_MANY_PENDING_TASKS is backed off and retried within it (busy-retry.ts). */
  async callWith(options: XapiCallOptions, method: string, ...params: WireValue[]): Promise<unknown> {
    if (this.closed) throw new Error(`XapiClient is closed; cannot send ${method}`);
    // Within a resource phase (sdk/base/phase-scope) the call also ends by the phase's deadline.
    const { deadline, phase } = phaseBound(options.deadline ?? this.timeoutMs);
    const what = phase ? `response to ${method} (${phase})` : `response to ${method}`;
    return retryWhileBusy({ ...options, deadline }, this.timeoutMs, (fixed) => this.sendWithin(fixed, method, params, this.closer.signal, what));
  }

  /** Sends `method` within the call's deadline (stopped early by `stop`), then clears the deadline's timer. */
  private async sendWithin(options: XapiCallOptions, method: string, params: WireValue[], stop: AbortSignal, what = `response to ${method}`): Promise<unknown> {
    return this.within(options, what, stop, (wait) => this.sendInSession(wait, method, params));
  }

  /** Sends `method` with the session ref first (renewing a refused session, following the master, resending what is safe: ./retry). */
  private async sendInSession(deadline: Wait, method: string, params: WireValue[]): Promise<unknown> {
    if (method.startsWith("system.") || SESSIONLESS.has(method)) return this.resultOf(method, await this.sendResending(method, params, deadline));
    let ref = await this.keeper.session(deadline);
    for (let redirects = 0, renewed = false; ; ) {
      const outcome = await this.sendResending(method, [ref, ...params], deadline);
      if (!outcome.ok && outcome.code === "SESSION_INVALID" && !renewed) {
        renewed = true;
        ref = await this.keeper.renew(ref, deadline);
      } else if (!outcome.ok && outcome.code === "HOST_IS_SLAVE" && redirects < MAX_REDIRECTS) {
        redirects++;
        ref = await this.keeper.moveToMaster(String(outcome.params[0] ?? ""), ref, deadline);
      } else {
        return this.resultOf(method, outcome);
      }
    }
  }

  /**
   * Sends one call, sending it again after a lost exchange of a read-only method; a lost exchange
   * of any other method gets advice appended (TOO_MANY_PENDING_TASKS: busy-retry.ts, around the call).
   */
  private async sendResending(method: string, params: WireValue[], deadline: Wait): Promise<JsonRpcOutcome> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt > MAX_CALL_RETRIES || deadline.expired();
      try {
        return await this.keeper.send(method, params, deadline);
      } catch (error) {
        if (!last && mayResendAfterTransportError(method, error)) continue;
        if (error instanceof XapiTransportError && !isReadOnlyMethod(method)) throw new XapiTransportError(error.url, error.method, `${error.detail}; ${lostExchangeAdvice(method)}`, error.cause);
        throw error;
      }
    }
  }

  /**
   * Calls `Async.<method>`, waits for the task through `event.from`, returns its decoded result
   * and destroys the task. On deadline or abort the task is cancelled, then destroyed; so it is
   * when the client is closed meanwhile, and the call rejects with an Error naming method and task.
   * @throws XapiError from the task's error_info (`TASK_CANCELLED` when cancelled), XapiWaitError
   */
  callAsync(method: string, ...params: WireValue[]): Promise<unknown> {
    return this.callAsyncWith({}, method, ...params);
  }

  /** {@link callAsync} with a deadline for the whole task and an AbortSignal. */
  callAsyncWith(options: XapiCallOptions, method: string, ...params: WireValue[]): Promise<unknown> {
    // Tracked from before the Async call: a task ref that arrives while closing is still ended.
    return this.tracked(this.runTask(options, method, params));
  }

  /** A task that failed with TOO_MANY_PENDING_TASKS did nothing: it is started again, within the same deadline. */
  private runTask(options: XapiCallOptions, method: string, params: WireValue[]): Promise<unknown> {
    const { deadline, phase } = phaseBound(options.deadline ?? this.taskTimeoutMs);
    return retryWhileBusy({ ...options, deadline }, this.taskTimeoutMs, async (fixed) => {
      const wait = { deadline: fixed.deadline!, signal: fixed.signal };
      const taskRef = String(await this.submit(wait, `Async.${method}`, params));
      return this.holding(taskRef, () => waitForTask(this, taskRef, wait, method, this.cleanupFor(taskRef, `Async.${method}`)));
    }).catch((error: unknown) => {
      throw namingPhase(error, phase);
    });
  }

  /**
   * Sends `Async.<method>`. When its answer is lost (cut, deadline, abort) the task xapi may have
   * made is looked for in the session, awaited within the call's deadline and destroyed
   * (./lost-tasks); a lost exchange's error then says how the task ended.
   */
  private async submit(wait: WaitOptions, label: string, params: WireValue[]): Promise<unknown> {
    try {
      return await this.ledger.submitting(label, this.callWith(wait, label, ...params));
    } catch (error) {
      const session = this.keeper.sessionRef;
      if (!(error instanceof XapiTransportError || error instanceof XapiWaitError) || !session) throw error;
      const found = await this.ledger.sweep(this.cleaner, session, label, wait);
      if (found.length === 0 || !(error instanceof XapiTransportError)) throw error;
      throw new XapiTransportError(error.url, error.method, `${error.detail}; ${found.join("; ")}`, error.cause);
    }
  }

  /** Runs the wait for `taskRef` with the task marked as held, so no lost-answer cleanup takes it. */
  private async holding<T>(taskRef: string, wait: () => Promise<T>): Promise<T> {
    this.ledger.hold(taskRef);
    try {
      return await wait();
    } finally {
      this.ledger.release(taskRef);
    }
  }

  /**
   * Waits for a task to finish (via `event.from`), destroys it and returns its decoded result.
   * @param taskRef the task
   * @param options deadline and signal; on either the task is cancelled and destroyed
   */
  waitForTask(taskRef: string, options: WaitOptions): Promise<unknown> {
    const { deadline, phase } = phaseBound(options.deadline);
    const work = this.holding(taskRef, () => waitForTask(this, taskRef, { ...options, deadline }, "", this.cleanupFor(taskRef, "task")));
    return this.tracked(work.catch((error: unknown) => Promise.reject(namingPhase(error, phase))));
  }

  /** Records a task wait until it settles, so that close() can wait for its cleanup. */
  private tracked<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.taskWaits.add(settled);
    void settled.then(() => this.taskWaits.delete(settled));
    return work;
  }

  /** Cleanup through {@link cleaner}; a wait ended by close() rejects with an error saying so. */
  private cleanupFor(taskRef: string, label: string): TaskCleanup {
    return {
      caller: this.cleaner,
      explain: (error, taskGone) => {
        if (!this.closed) return error;
        const fate = taskGone ? "the task was cancelled and destroyed" : "cancelling and destroying the task failed, so it may remain on the pool";
        return new Error(`XapiClient was closed while waiting for task ${taskRef} of ${label}; ${fate}`, { cause: error });
      },
    };
  }

  /**
   * PUTs `body` to one of xapi's HTTP handlers on the pool master (e.g. `/import_raw_vdi`), with
   * `session_id` added to `query`, over this client's connection settings (TLS pin or CA);
   * redirects to another host are followed. Returns the HTTP status: the outcome of the work is
   * in the task passed as `task_id`, which the caller creates and waits for.
   * @throws XapiTransportError, XapiWaitError (the session ref never appears in them)
   */
  async putToHandler(path: string, query: Record<string, string>, body: Buffer, options: XapiPutOptions = {}): Promise<number> {
    if (this.closed) throw new Error(`XapiClient is closed; cannot PUT ${path}`);
    const { deadline, phase } = phaseBound(options.deadline ?? this.timeoutMs);
    return this.within({ ...options, deadline }, phase ? `PUT ${path} (${phase})` : `PUT ${path}`, this.closer.signal, async (wait) => {
      const session = await this.keeper.session(wait);
      const url = new URL(path, this.poolMasterUrl);
      url.search = new URLSearchParams({ session_id: session, ...query }).toString();
      const reply = await putBody({ agent: this.agent, url: url.href, body, deadline: wait, onProgress: options.onProgress });
      return reply.status;
    });
  }

  /**
   * Streams events of `classes` (`"vm"`, `"vm/OpaqueRef:…"`, `"*"`) from `event.from`, starting
   * with the current state of every matching object unless a token is given.
   */
  watchEvents(classes: readonly string[], options: WatchOptions): AsyncGenerator<XapiEvent> {
    return watchEvents(this, classes, options);
  }

  /**
   * Resolves with the first event (current state included) that satisfies `predicate`.
   * @throws XapiWaitError at the deadline or on abort
   */
  waitFor(classes: readonly string[], predicate: (event: XapiEvent) => boolean, options: WaitOptions): Promise<XapiEvent> {
    return waitForEvent(this, classes, predicate, options);
  }

  /**
   * How many HTTP calls were sent (logins, retries and task/event calls included).
   * @param method count only this method; all methods when omitted
   */
  callCount(method?: string): number {
    if (method !== undefined) return this.counts.get(method) ?? 0;
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /**
   * Ends pending waits (in-flight tasks are cancelled and destroyed, within 2 s in total; their
   * calls reject with a closed-client error), logs out and releases connections. Safe to call more
   * than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closer.abort(new Error("XapiClient closed"));
    await this.endTaskWaits();
    await this.keeper.logout();
    await this.agent.close().catch(() => this.agent.destroy());
  }

  /**
   * Waits until every task wait has cancelled and destroyed its task, at most
   * CLOSE_TASK_CLEANUP_MS; then cuts off cleanup calls, which must not outlive the session.
   */
  private async endTaskWaits(): Promise<void> {
    const cutoff = this.cleanupCutoff;
    const timer = setTimeout(() => cutoff.abort(new Error(`XapiClient closed: task cleanup ran out of its ${CLOSE_TASK_CLEANUP_MS} ms`)), CLOSE_TASK_CLEANUP_MS);
    const cutOff = once(cutoff.signal, "abort");
    try {
      while (this.taskWaits.size > 0 && !cutoff.signal.aborted) await Promise.race([Promise.all([...this.taskWaits]), cutOff]);
    } finally {
      clearTimeout(timer);
      cutoff.abort(new Error("XapiClient closed: logging out"));
    }
  }

  /** Runs `work` within one wait (the call's deadline, ended early by `stop` or the caller's signal); then clears its timer and lets go of both signals. */
  private async within<T>(options: XapiCallOptions, what: string, stop: AbortSignal, work: (wait: Wait) => Promise<T>): Promise<T> {
    // Only a caller's own signal needs combining; a plain call (the common case, often 50 in
    // flight) takes the client's close signal as is. Never AbortSignal.any: see linkedSignal.
    const link = options.signal ? linkedSignal([stop, options.signal]) : undefined;
    const wait = new Wait({ deadline: options.deadline ?? this.timeoutMs, signal: link?.signal ?? stop }, what, xapiWaitError);
    try {
      return await work(wait);
    } finally {
      wait.done();
      link?.clear();
    }
  }

  private resultOf(method: string, outcome: { ok: true; result: unknown } | { ok: false; code: string; params: unknown[] }): unknown {
    if (outcome.ok) return normalizeResult(method, outcome.result);
    throw this.keeper.redact(new XapiError(outcome.code, outcome.params, method));
  }
}

/** A task wait cut by the phase's deadline says so (the phase and its limit), like a cut call. */
function namingPhase(error: unknown, phase: string | undefined): unknown {
  if (!phase || !(error instanceof XapiWaitError) || error.reason !== "timeout" || error.what.includes(phase)) return error;
  return new XapiWaitError(`${error.what} (${phase})`, error.reason, error.waitedMs, error.cause);
}

function checkedBaseUrl(url: string, tls: XapiTlsOptions | undefined): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`XAPI url ${JSON.stringify(maskUrlCredentials(url))} is not a URL; expected https://host[:port]`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`XAPI url must be http(s), got ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new Error("XAPI url must not hold credentials; pass username and password");
  // Plain HTTP sends the password in the clear: only to this machine (a local simulator), and
  // never when TLS trust was given (it would be ignored).
  if (parsed.protocol === "http:" && (tls?.fingerprint256 || tls?.ca || tls?.caFile)) {
    throw new Error(`XAPI url ${parsed.origin} is plain http but TLS trust (fingerprint256/ca/caFile) was given; use https://`);
  }
  assertPlainHttpIsLocal(parsed.origin);
  return parsed.origin;
}

