/**
 * What an attached session delivers, in order:
 * - `stdout` / `stderr`: what print, io.write, io.stdout or io.stderr wrote (bytes as written);
 * - `value`: one value a chunk returned (through tostring), `error`: a Lua error with traceback;
 * - `more`: the input so far is an unfinished chunk (nothing ran; the next send continues it);
 * - `done`: a chunk finished (`ok` false after an error or when it did not compile);
 *   `chunk` in both is the id {@link AttachedSession.send} returned (events of chunks other
 *   clients sent carry theirs);
 * - `lost`: output dropped while nobody was attached (the buffer limit was reached);
 * - `detached`: this attachment ended: "detach" (asked), "taken-over" (another client attached)
 *   or "closed" (the connection or the session ended).
 */
export type SessionEvent =
  | { type: "stdout" | "stderr"; data: Buffer; text: string }
  | { type: "value" | "error"; text: string }
  | { type: "more"; chunk: string }
  | { type: "done"; ok: boolean; chunk: string }
  | { type: "lost"; events: number; bytes: number }
  | { type: "detached"; reason: "detach" | "taken-over" | "closed" };

/** The event types. */
export type SessionEventType = SessionEvent["type"];

/** What a run of events adds up to (see {@link summarizeEvents}). */
export interface SessionOutput {
  /** false when a chunk raised an error or did not compile. */
  ok: boolean;
  /** true when the input was unfinished and waits for more. */
  more: boolean;
  values: string[];
  stdout: Buffer;
  stderr: Buffer;
  /** The last error message with its traceback. */
  error?: string;
}

/** Adds up events: output concatenated, values in order, ok unless an error or failed chunk occurred. */
export function summarizeEvents(events: readonly SessionEvent[]): SessionOutput {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const output: SessionOutput = { ok: true, more: false, values: [], stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  for (const event of events) {
    if (event.type === "stdout") stdout.push(event.data);
    else if (event.type === "stderr") stderr.push(event.data);
    else if (event.type === "value") output.values.push(event.text);
    else if (event.type === "error") output.error = event.text;
    else if (event.type === "done") output.ok &&= event.ok;
    else if (event.type === "more") output.more = true;
  }
  return { ...output, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}
