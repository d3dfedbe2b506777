/**
 * The one error vocabulary of bioxen-luavm. Every error the SDK raises on purpose is a
 * {@link BioxenError} with a stable `code` (as undici's `UND_ERR_*`): the code names the kind of
 * failure, the class names where it happened. A timeout is `BIOXEN_TIMEOUT` and a caller's abort
 * `BIOXEN_ABORTED` whichever class carries it (XapiWaitError, SshError, LuaSessionError,
 * LuaRocksError…); every other failure has its class's own code. Test with {@link isTimeout} and
 * {@link isAbort} rather than by class.
 */

/** Every code a {@link BioxenError} can carry. */
export type BioxenErrorCode =
  | "BIOXEN_TIMEOUT"
  | "BIOXEN_ABORTED"
  | "BIOXEN_XAPI"
  | "BIOXEN_XAPI_TRANSPORT"
  | "BIOXEN_XAPI_RECIPE"
  | "BIOXEN_TLS_FINGERPRINT"
  | "BIOXEN_SSH"
  | "BIOXEN_LUA_NOT_FOUND"
  | "BIOXEN_LUA_SESSION"
  | "BIOXEN_ROCKS"
  | "BIOXEN_ROCK_INPUT"
  | "BIOXEN_ENV"
  | "BIOXEN_CLUSTER"
  | "BIOXEN_VM_KEPT";

/** The base class of the SDK's errors; `code` is stable across releases. */
export abstract class BioxenError extends Error {
  /** What kind of failure this is (see the file comment). */
  abstract readonly code: BioxenErrorCode;
}

/** How a wait ended early: its deadline passed ("timeout") or its caller aborted it ("aborted"). */
export type WaitEnd = "timeout" | "aborted";

/** The code of a wait that ended early. */
export function waitEndCode(end: WaitEnd): "BIOXEN_TIMEOUT" | "BIOXEN_ABORTED" {
  return end === "timeout" ? "BIOXEN_TIMEOUT" : "BIOXEN_ABORTED";
}

/**
 * A wait that ran past its deadline or was aborted; `what` names the awaited thing. Subclasses say
 * where (XapiWaitError); the base class serves the waits that are not about one subsystem.
 */
export class WaitError extends BioxenError {
  override readonly name: string = "WaitError";
  /** `BIOXEN_TIMEOUT` or `BIOXEN_ABORTED`, after `reason`. */
  readonly code: "BIOXEN_TIMEOUT" | "BIOXEN_ABORTED";

  /**
   * @param what e.g. `task OpaqueRef:… of Async.VM.clone`
   * @param reason how the wait ended
   * @param waitedMs how long the wait lasted
   * @param options the abort reason as `cause`; `message` replaces the default message
   */
  constructor(
    readonly what: string,
    readonly reason: WaitEnd,
    readonly waitedMs: number,
    options: { cause?: unknown; message?: string } = {},
  ) {
    super(
      options.message ??
        (reason === "timeout"
          ? `timed out after ${waitedMs} ms waiting for ${what}; raise the deadline or check the host`
          : `aborted after ${waitedMs} ms waiting for ${what}`),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = waitEndCode(reason);
  }
}

/**
 * The error an aborted operation rejects with: named "AbortError" like Node's own (so code that
 * checks `name === "AbortError"` keeps working), code `BIOXEN_ABORTED`, the signal's reason as `cause`.
 */
export class BioxenAbortError extends BioxenError {
  override readonly name = "AbortError";
  readonly code = "BIOXEN_ABORTED" as const;
  /** @param message what was aborted @param cause the signal's reason */
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * True when `error` is a timeout: a BioxenError with code `BIOXEN_TIMEOUT`, or the "TimeoutError"
 * an `AbortSignal.timeout`/{@link timeoutSignal} signal aborts with.
 */
export function isTimeout(error: unknown): boolean {
  return codeOf(error) === "BIOXEN_TIMEOUT" || nameOf(error) === "TimeoutError";
}

/** True when `error` is a caller's abort: code `BIOXEN_ABORTED`, or any error named "AbortError". */
export function isAbort(error: unknown): boolean {
  return codeOf(error) === "BIOXEN_ABORTED" || nameOf(error) === "AbortError";
}

function codeOf(error: unknown): unknown {
  return error instanceof BioxenError ? error.code : undefined;
}

function nameOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
}
