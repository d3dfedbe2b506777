/** One HTTP POST to a XAPI endpoint, with failures turned into XapiTransportError / XapiWaitError. */
import type { Agent } from "undici";
import { undici } from "../base/lazy-modules";
import { Wait } from "../base/deadline";
import { XapiTransportError, XapiWaitError } from "./errors";

/** What came back from the host. */
export interface HttpReply {
  /** HTTP status code */
  status: number;
  /** media type of the body, lower case, without parameters (`application/json`) */
  mediaType: string;
  /** the body as text */
  body: string;
}

/** How one POST is made. */
export interface PostOptions {
  /** the client's undici Agent */
  agent: Agent;
  /** the endpoint URL */
  url: string;
  /** the XAPI method, for error messages */
  method: string;
  /** the request body */
  body: string;
  /** its content type */
  contentType: string;
  /** when to give up, and the caller's signal */
  deadline: Wait;
}

/**
 * POSTs a body and reads the whole reply.
 * @throws XapiWaitError when the deadline passes or the caller aborts
 * @throws XapiTransportError when the connection or TLS fails
 */
export async function post(options: PostOptions): Promise<HttpReply> {
  const { agent, url, method, body, contentType, deadline } = options;
  try {
    const reply = await undici().request(url, {
      method: "POST",
      body,
      headers: { "content-type": contentType, accept: `${contentType}, */*;q=0.1` },
      dispatcher: agent,
      signal: deadline.signal,
    });
    const text = await reply.body.text();
    return { status: reply.statusCode, mediaType: mediaTypeOf(reply.headers["content-type"]), body: text };
  } catch (cause) {
    if (deadline.expired()) throw deadlineError(deadline, cause);
    throw new XapiTransportError(url, method, describeCause(cause), cause);
  }
}

function deadlineError(deadline: Wait, cause: unknown): XapiWaitError {
  const error = deadline.error();
  return new XapiWaitError(error.what, error.reason, error.waitedMs, error.reason === "aborted" ? error.cause : cause);
}

function mediaTypeOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? "").split(";")[0].trim().toLowerCase();
}

/** Names the failure and its code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …) so that it says what to fix. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
  return `${cause.message}${typeof code === "string" && !cause.message.includes(code) ? ` (${code})` : ""}${inner}`;
}
