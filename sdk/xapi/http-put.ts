/**
 * One streamed HTTP PUT to an xapi handler beside the RPC endpoint (`/import_raw_vdi`), on the
 * client's own undici Agent, so the TLS pin or CA of the connection applies. The session ref
 * travels in the query, as xapi expects: it never appears in errors (only the path does).
 */
import { Readable } from "node:stream";
import type { Agent } from "undici";
import { undici } from "../base/lazy-modules";
import type { Wait } from "../base/deadline";
import { XapiTransportError } from "./errors";
import { assertPlainHttpIsLocal } from "./plain-http";

/** Upload progress: bytes handed to the connection so far, and the total. */
export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

/** How one PUT is made. */
export interface PutOptions {
  agent: Agent;
  /** the handler's URL, query included */
  url: string;
  /** the bytes to send (with a Content-Length: xapi's raw import refuses chunked encoding) */
  body: Buffer;
  deadline: Wait;
  onProgress?: UploadProgress;
}

/** Where an answer went: its status, and the redirect target if any. */
export interface PutReply {
  status: number;
  location?: string;
}

/** Chunk size of a streamed body: progress is reported per chunk. */
const CHUNK_BYTES = 1024 * 1024;
/** Redirects followed (xapi forwards to a host that sees the SR). */
const MAX_REDIRECTS = 2;

/**
 * PUTs `body`, following up to two redirects to hosts the plain-HTTP rule allows, and returns
 * the final status (the body of the answer is drained).
 * @throws XapiTransportError when the connection or TLS fails, or the redirects run out
 * @throws XapiWaitError (through `deadline`) at the deadline or on abort
 */
export async function putBody(options: PutOptions): Promise<PutReply> {
  let url = options.url;
  for (let redirects = 0; ; redirects++) {
    const reply = await putOnce({ ...options, url });
    if (reply.status < 300 || reply.status >= 400 || reply.location === undefined) return reply;
    if (redirects === MAX_REDIRECTS) throw new XapiTransportError(pathOf(url), "PUT", `more than ${MAX_REDIRECTS} redirects`);
    url = new URL(reply.location, url).href;
    assertPlainHttpIsLocal(url);
  }
}

async function putOnce(options: PutOptions): Promise<PutReply> {
  const { agent, url, body, deadline, onProgress } = options;
  try {
    const reply = await undici().request(url, {
      method: "PUT",
      body: Readable.from(chunks(body, onProgress), { objectMode: false }),
      headers: { "content-length": String(body.length), "content-type": "application/octet-stream" },
      dispatcher: agent,
      signal: deadline.signal,
    });
    await reply.body.dump();
    const location = reply.headers.location;
    return { status: reply.statusCode, location: Array.isArray(location) ? location[0] : location };
  } catch (cause) {
    if (deadline.expired()) throw deadline.error();
    throw new XapiTransportError(pathOf(url), "PUT", cause instanceof Error ? cause.message : String(cause), cause);
  }
}

async function* chunks(body: Buffer, onProgress?: UploadProgress): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < body.length; offset += CHUNK_BYTES) {
    const chunk = body.subarray(offset, offset + CHUNK_BYTES);
    yield chunk;
    onProgress?.(offset + chunk.length, body.length);
  }
}

/** The URL without its query (which holds the session ref). */
function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
