import type { Target, TargetProcess } from "../target/types";
import { LuaSessionError } from "./errors";
import { decodeSessionFrame, SessionFrameReader, type SessionFrame } from "./session-frames";
import { WORKER_PROGRAM } from "./worker-program";

const STDERR_TAIL_BYTES = 2000;

/** One running session process: sends requests, matches them with response frames. */
export class SessionWorker {
  private waiting?: { resolve: (frame: SessionFrame) => void; reject: (error: Error) => void };
  private stray: Buffer[] = [];
  private stderrTail = "";
  private ended?: { exitCode: number | null; signal: string | null };

  private constructor(
    private readonly process: TargetProcess,
    private readonly label: string,
  ) {
    const reader = new SessionFrameReader(
      (payload) => this.deliver(payload),
      (bytes) => this.stray.push(Buffer.from(bytes)),
    );
    process.stdout.on("data", (chunk: Buffer) => reader.push(chunk));
    process.stderr.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    });
    process.stdin.on("error", () => undefined); // a dead worker is reported through `exited`
    void process.exited.then((ended) => {
      this.ended = ended;
      this.waiting?.reject(this.exitedError());
      this.waiting = undefined;
    });
  }

  /**
   * Starts the worker program on a target.
   * @param target where to run
   * @param interpreter Lua command or path
   */
  static async start(target: Target, interpreter: string): Promise<SessionWorker> {
    const process = await target.spawn([interpreter, "-e", WORKER_PROGRAM]);
    return new SessionWorker(process, `${target.description}: Lua session (${interpreter})`);
  }

  /** Sends one encoded request; resolves with its response, rejects if the process ends first. */
  request(encoded: Buffer): Promise<SessionFrame> {
    if (this.ended) return Promise.reject(this.exitedError());
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.process.stdin.write(encoded);
    });
  }

  /** Kills the process (and its children) and waits until it is gone. */
  kill(): Promise<void> {
    return this.process.kill();
  }

  private deliver(payload: Buffer): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    try {
      const frame = decodeSessionFrame(payload);
      if (this.stray.length > 0) frame.stdout = Buffer.concat(this.stray).toString("utf8") + frame.stdout;
      this.stray = [];
      waiting?.resolve(frame);
    } catch (error) {
      waiting?.reject(error as Error);
    }
  }

  private exitedError(): LuaSessionError {
    const how = this.ended?.signal ? `signal ${this.ended.signal}` : `exit code ${this.ended?.exitCode}`;
    const stderr = this.stderrTail.trim();
    return new LuaSessionError(
      "exited",
      `${this.label}: the Lua process ended (${how})${stderr ? `; its stderr ended with: ${stderr}` : ""}. ` +
        `The next call starts a fresh process, so globals and locals are lost.`,
    );
  }
}
