import { randomBytes } from "node:crypto";
import { Wait, type DeadlineInput, type DeadlineOptions } from "../../base/deadline";
import { WaitError } from "../../base/errors";
import type { TargetProcess } from "../../target/types";
import { LuaSessionError } from "../errors";
import { persistTopLevelLocals } from "../persist-locals";
import { decodeFrameRecords, encodeSessionRequest, SessionFrameReader } from "../session-frames";
import { summarizeEvents, type SessionEvent, type SessionEventType, type SessionOutput } from "./events";

const STDERR_TAIL_BYTES = 2000;
/** The relay's exit code (from the control script) when the session does not exist. */
const NO_SUCH_SESSION = 3;

/** Options of reads: when to give up, and which event ends the read. */
export interface SessionReadOptions extends DeadlineOptions {
  /**
   * The read returns the events up to and including the first one of these types, or the first
   * one the function accepts (default: "done" or "more"). A `detached` event always ends a read.
   */
  until?: SessionEventType | readonly SessionEventType[] | ((event: SessionEvent) => boolean);
}

/** What {@link AttachedSession.send} learned: the chunk's id, and whether it waits for more input. */
export interface SendResult {
  /** The id that `done` and `more` events of this input carry. */
  chunk: string;
  /** true when the input so far is an unfinished chunk (nothing ran). */
  more: boolean;
}

/** What an attachment is made of (see {@link LuaSessionHost.attach}). */
export interface AttachmentParts {
  /** "<vm id>/<name>". */
  id: string;
  name: string;
  /** The relay process connected to the session's socket. */
  process: TargetProcess;
  /** Used in messages, e.g. "ssh://u@h:22: Lua session lab/s1". */
  label: string;
  /** Default deadline of send, read and detach in milliseconds. */
  timeoutMs: number;
  /** Ends the session on the target. */
  killSession: () => Promise<void>;
}

type Verdict = "more" | "running" | "done";

/**
 * One client's attachment to a session that runs on its own on the target. Output arrives as
 * {@link SessionEvent}s, read with {@link read} or iterated with `for await`. {@link detach}
 * leaves the session running with its state; {@link kill} ends it. Top-level locals persist like
 * globals (see persistTopLevelLocals); an unfinished chunk (`function f()` without its `end`)
 * waits for the next {@link send} to complete it, like the stock `lua` REPL — that unfinished
 * text belongs to this attachment.
 */
export class AttachedSession implements AsyncIterable<SessionEvent> {
  /** "<vm id>/<name>". */
  readonly id: string;
  /** The session's name. */
  readonly name: string;
  private readonly queue: SessionEvent[] = [];
  private wakeups: Array<() => void> = [];
  private readonly verdicts = new Map<string, { code: string; settle: (verdict: Verdict | Error) => void }>();
  private readonly running = new Set<string>();
  private readonly idPrefix = randomBytes(4).toString("hex");
  private counter = 0;
  private unfinished = "";
  private sending: Promise<unknown> = Promise.resolve();
  private stderrTail = "";
  private detaching = false;
  private takenOver = false;
  private ended = false;
  private greeted!: (ok: boolean) => void;
  private readonly greeting = new Promise<boolean>((resolve) => (this.greeted = resolve));

  private constructor(private readonly parts: AttachmentParts) {
    this.id = parts.id;
    this.name = parts.name;
    const reader = new SessionFrameReader(
      (payload) => this.onFrame(payload),
      (bytes) => this.push({ type: "stdout", data: Buffer.from(bytes), text: bytes.toString("utf8") }),
    );
    parts.process.stdout.on("data", (chunk: Buffer) => reader.push(chunk));
    parts.process.stderr.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    });
    parts.process.stdin.on("error", () => undefined); // reported through `exited`
    void parts.process.exited.then((exit) => this.onExit(exit.exitCode));
  }

  /**
   * Waits for the session's greeting on a started relay.
   * @throws LuaSessionError "unknown" when there is no such session, "host" when the relay failed
   */
  static async open(parts: AttachmentParts, options: DeadlineOptions): Promise<AttachedSession> {
    const attachment = new AttachedSession(parts);
    const wait = attachment.wait(options, "attach");
    try {
      if (await wait.race(attachment.greeting)) return attachment;
      const exit = await parts.process.exited;
      const reason = exit.exitCode === NO_SUCH_SESSION ? "unknown" : "host";
      throw new LuaSessionError(reason, `${parts.label}: cannot attach (${attachment.stderrTail.trim() || `relay exit ${exit.exitCode ?? exit.signal}`})`);
    } catch (error) {
      await parts.process.kill().catch(() => undefined);
      throw attachment.asSessionError(error);
    } finally {
      wait.done();
    }
  }

  /** Whether this attachment still receives output (false after detach, take-over, kill or a lost connection). */
  get attached(): boolean {
    return !this.ended;
  }

  /**
   * Sends input. When the unfinished chunk from earlier sends plus this input compiles, it runs
   * (after chunks sent before it); when it is still unfinished, nothing runs and `more` is true.
   * Resolves once the session has judged the input, i.e. when the chunk starts.
   */
  send(input: string, options: DeadlineOptions = {}): Promise<SendResult> {
    const result = this.sending.then(() => this.sendOne(input, options));
    this.sending = result.catch(() => undefined);
    return result;
  }

  /** Sends input and reads until its chunk is done or waits for more; returns what it produced. */
  async eval(input: string, options: DeadlineOptions = {}): Promise<SessionOutput & { events: SessionEvent[] }> {
    const deadline = options.deadline ?? this.parts.timeoutMs;
    const { chunk } = await this.send(input, { ...options, deadline });
    const events = await this.read({ ...options, deadline, until: (event) => (event.type === "done" || event.type === "more") && event.chunk === chunk });
    return { ...summarizeEvents(events), events };
  }

  /**
   * Takes the events that have arrived up to the first one `until` accepts, waiting for it until
   * the deadline. A timeout rejects (reason "timeout") and leaves the events for the next read.
   */
  async read(options: SessionReadOptions = {}): Promise<SessionEvent[]> {
    const matches = eventMatcher(options.until);
    const wait = this.wait(options, "read");
    try {
      for (;;) {
        const index = this.queue.findIndex((event) => matches(event) || event.type === "detached");
        if (index >= 0) return this.queue.splice(0, index + 1);
        if (this.ended) throw new LuaSessionError("closed", `${this.parts.label}: this attachment has ended; attach again to read`);
        await wait.race(this.nextEvent());
      }
    } catch (error) {
      throw this.asSessionError(error);
    } finally {
      wait.done();
    }
  }

  /** Every event as it arrives; the iteration ends after the `detached` event. */
  async *[Symbol.asyncIterator](): AsyncIterator<SessionEvent> {
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        yield event;
        if (event.type === "detached") return;
      } else if (this.ended) {
        return;
      } else {
        await this.nextEvent();
      }
    }
  }

  /** Interrupts the running chunk like Ctrl-C in `lua` (an "interrupted!" error); the session stays. */
  interrupt(): void {
    if (!this.ended) this.parts.process.stdin.write(encodeSessionRequest("", "i"));
  }

  /** Leaves the session running with its state and output buffer; ends this attachment. */
  async detach(options: DeadlineOptions = {}): Promise<void> {
    if (this.ended) return;
    this.detaching = true;
    this.parts.process.stdin.end();
    await this.settleRelay(options);
  }

  /** Ends the session on the target (its process group, socket and files), then this attachment. */
  async kill(options: DeadlineOptions = {}): Promise<void> {
    await this.parts.killSession();
    await this.settleRelay(options);
  }

  private async sendOne(input: string, options: DeadlineOptions): Promise<SendResult> {
    if (this.ended) throw new LuaSessionError("closed", `${this.parts.label}: this attachment has ended; attach again to send`);
    const code = this.unfinished === "" ? input : `${this.unfinished}\n${input}`;
    this.counter += 1;
    const chunk = `${this.idPrefix}-${this.counter}`;
    const verdict = new Promise<Verdict | Error>((settle) => this.verdicts.set(chunk, { code, settle }));
    this.parts.process.stdin.write(encodeSessionRequest(`${chunk} ${persistTopLevelLocals(code)}`, "c"));
    const wait = this.wait(options, "send");
    try {
      const outcome = await wait.race(verdict);
      if (outcome instanceof Error) throw outcome;
      return { chunk, more: outcome === "more" };
    } catch (error) {
      throw this.asSessionError(error, "; the input was delivered and runs when the session gets to it");
    } finally {
      wait.done();
    }
  }

  private onFrame(payload: Buffer): void {
    for (const { tag, data } of decodeFrameRecords(payload)) {
      const text = data.toString("utf8");
      if (tag === "h") this.greeted(true);
      else if (tag === "o" || tag === "e") this.push({ type: tag === "o" ? "stdout" : "stderr", data: Buffer.from(data), text });
      else if (tag === "v" || tag === "x") this.push({ type: tag === "v" ? "value" : "error", text });
      else if (tag === "m") {
        this.judge(text, "more");
        this.push({ type: "more", chunk: text });
      } else if (tag === "r") {
        this.running.add(text);
        this.judge(text, "running");
      } else if (tag === "d") {
        const chunk = text.slice(2);
        if (!this.running.delete(chunk)) this.judge(chunk, "done"); // it did not compile
        this.push({ type: "done", ok: text.startsWith("1"), chunk });
      } else if (tag === "l") {
        const [events, bytes] = text.split(" ").map(Number);
        this.push({ type: "lost", events: events ?? 0, bytes: bytes ?? 0 });
      } else if (tag === "t") this.takenOver = true;
    }
  }

  /** Records the session's verdict on a chunk this attachment sent; keeps the text while unfinished. */
  private judge(chunk: string, verdict: Verdict): void {
    const waiting = this.verdicts.get(chunk);
    if (!waiting) return;
    this.verdicts.delete(chunk);
    this.unfinished = verdict === "more" ? waiting.code : "";
    waiting.settle(verdict);
  }

  private onExit(exitCode: number | null): void {
    this.ended = true;
    this.greeted(false);
    const closed = new LuaSessionError("closed", `${this.parts.label}: the attachment ended before the session judged the input`);
    for (const { settle } of this.verdicts.values()) settle(closed);
    this.verdicts.clear();
    const reason = this.detaching ? "detach" : this.takenOver ? "taken-over" : "closed";
    if (exitCode !== NO_SUCH_SESSION) this.push({ type: "detached", reason });
    else this.wake();
  }

  private push(event: SessionEvent): void {
    this.queue.push(event);
    this.wake();
  }

  private wake(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const wake of wakeups) wake();
  }

  private nextEvent(): Promise<void> {
    return new Promise((resolve) => this.wakeups.push(resolve));
  }

  private async settleRelay(options: DeadlineOptions): Promise<void> {
    const wait = this.wait(options, "detach");
    try {
      await wait.race(this.parts.process.exited);
    } catch {
      await this.parts.process.kill(); // the relay did not leave by itself
    } finally {
      wait.done();
    }
  }

  private wait(options: DeadlineOptions, what: string): Wait {
    const deadline: DeadlineInput = options.deadline ?? this.parts.timeoutMs;
    return new Wait({ deadline, signal: options.signal }, `${this.parts.label}: ${what}`);
  }

  private asSessionError(error: unknown, suffix = ""): Error {
    if (!(error instanceof WaitError)) return error as Error;
    return new LuaSessionError(error.reason, `${error.message}${suffix}`);
  }
}

function eventMatcher(until: SessionReadOptions["until"]): (event: SessionEvent) => boolean {
  if (typeof until === "function") return until;
  const types: readonly SessionEventType[] = until === undefined ? ["done", "more"] : typeof until === "string" ? [until] : until;
  return (event) => types.includes(event.type);
}
