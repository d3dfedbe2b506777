/** Errors raised by the recipes, and helpers to read the XAPI error underneath. */
import { BioxenError, isAbort } from "../../base/errors";

/** What a recipe was doing when it failed. */
export interface RecipeErrorContext {
  /** The step, e.g. "clone template", "VDI.resize". */
  step: string;
  /** The object concerned: a uuid, ref or name (never a secret). */
  object?: string;
  /** What the user can do about it. */
  hint?: string;
  /** Leave the cause's message out of this message (when the detail already says it better). */
  quietCause?: boolean;
}

/**
 * A recipe failure: says the step, the object and what to do; the XAPI error (or whatever
 * failed underneath) is kept as `cause`, and its XAPI code is copied to `xapiCode` when there is one.
 */
export class XapiRecipeError extends BioxenError {
  override readonly name = "XapiRecipeError";
  readonly code = "BIOXEN_XAPI_RECIPE" as const;
  /** The step that failed. */
  readonly step: string;
  /** The object concerned, if any. */
  readonly object: string | undefined;
  /** The XAPI error code of the cause, e.g. "SR_FULL", if the cause was an XAPI error. */
  readonly xapiCode: string | undefined;
  /** The XAPI error parameters of the cause. */
  readonly params: readonly string[];

  /**
   * @param context step, object and hint
   * @param detail what went wrong (the cause's message is appended when there is a cause)
   * @param cause the underlying error
   */
  constructor(context: RecipeErrorContext, detail: string, cause?: unknown) {
    const where = context.object ? `${context.step} (${context.object})` : context.step;
    const causeText = cause === undefined || context.quietCause ? "" : `: ${describeCause(cause)}`;
    const hint = context.hint ? ` — ${context.hint}` : "";
    super(`${where}: ${detail}${causeText}${hint}`, cause === undefined ? undefined : { cause });
    this.step = context.step;
    this.object = context.object;
    this.xapiCode = xapiErrorCode(cause);
    this.params = xapiErrorParams(cause);
  }
}

/** The XAPI error code carried by an error (`xapiCode` of an XapiError or of a recipe error). */
export function xapiErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { xapiCode?: unknown }).xapiCode;
  return typeof code === "string" ? code : undefined;
}

/** The XAPI error parameters carried by an error, as strings. */
export function xapiErrorParams(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const params = (error as { params?: unknown }).params;
  return Array.isArray(params) ? params.map(String) : [];
}

/** True when the error is the XAPI error `code`. */
export function hasXapiCode(error: unknown, code: string): boolean {
  return xapiErrorCode(error) === code;
}

/** True when the object an XAPI call named no longer exists (HANDLE_INVALID / UUID_INVALID). */
export function isGone(error: unknown): boolean {
  return hasXapiCode(error, "HANDLE_INVALID") || hasXapiCode(error, "UUID_INVALID");
}

/** Awaits `call`, treating an object that is already gone as done (idempotent destroys). */
export async function unlessGone(call: Promise<unknown>): Promise<void> {
  await call.catch((error: unknown) => {
    if (!isGone(error)) throw error;
  });
}

/**
 * Runs `action`; if it throws, rethrows as an XapiRecipeError with `context` (an AbortError
 * passes through unchanged so callers can tell cancellation from failure).
 */
export async function withContext<T>(context: RecipeErrorContext, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof XapiRecipeError || isAbort(error)) throw error;
    throw new XapiRecipeError(context, "failed", error);
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
