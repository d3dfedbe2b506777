import type { Target } from "../target/types";
import { detectLuaInterpreter, type LuaVersionInfo } from "./interpreter";
import { encodeRunRequest, RUN_PROGRAM, type RunSource } from "./runner-program";
import { LuaSession, type LuaSessionOptions } from "./session";
import { LuaSessionHost, type LuaSessionHostOptions } from "./attachable/host";
import type { LuaResult, LuaRunOptions, LuaRunnerOptions } from "./types";

const DEFAULT_RUN_TIMEOUT_MS = 600_000;

/**
 * Runs Lua on a {@link Target} (local or SSH). Code and arguments travel on stdin to a fixed
 * program given to the interpreter with `-e`, never inside argv or a shell line.
 */
export class LuaRunner {
  private detected?: Promise<LuaVersionInfo>;

  /**
   * @param target where Lua runs
   * @param options interpreter choice (detected on first use when not given)
   */
  constructor(
    readonly target: Target,
    private readonly options: LuaRunnerOptions = {},
  ) {}

  /** The interpreter in use and its version (probed once with `-v`, then cached). */
  version(options: { signal?: AbortSignal } = {}): Promise<LuaVersionInfo> {
    if (!this.detected) {
      this.detected = detectLuaInterpreter(this.target, this.options.interpreter, options.signal);
      this.detected.catch(() => (this.detected = undefined)); // a failed probe may be retried
    }
    return this.detected;
  }

  /**
   * Runs a chunk of Lua source. Returned values are printed like the REPL does (`return 2 + 2`
   * prints "4"); a Lua error gives exit code 1 and "lua: message" + traceback on stderr.
   */
  runChunk(code: string, options: LuaRunOptions = {}): Promise<LuaResult> {
    return this.run({ code, chunkName: options.chunkName ?? "chunk" }, options);
  }

  /**
   * Runs a Lua file that exists on the target, with the same behaviour as {@link runChunk}
   * (`arg[0]` is the path; returned values are printed).
   */
  runFile(path: string, options: Omit<LuaRunOptions, "chunkName"> = {}): Promise<LuaResult> {
    if (path === "") return Promise.reject(new Error(`${this.target.description}: runFile needs a file path`));
    return this.run({ path }, options);
  }

  /**
   * Opens a persistent session: one long-lived Lua process that keeps globals and top-level
   * locals between {@link LuaSession.eval} calls. The process starts on the first call.
   */
  async openSession(options: LuaSessionOptions = {}): Promise<LuaSession> {
    const { interpreter } = await this.version();
    return new LuaSession(this.target, interpreter, options);
  }

  /**
   * Attachable sessions on this runner's target, with its interpreter: started once, they outlive
   * this process and its connection (see {@link LuaSessionHost}).
   */
  async sessionHost(options: LuaSessionHostOptions): Promise<LuaSessionHost> {
    const { interpreter } = await this.version();
    return new LuaSessionHost(this.target, interpreter, options);
  }

  private async run(source: RunSource, options: LuaRunOptions): Promise<LuaResult> {
    const { interpreter } = await this.version({ signal: options.signal });
    const request = encodeRunRequest(source, options.args ?? []);
    const stdin = options.stdin === undefined ? request : Buffer.concat([request, Buffer.from(options.stdin)]);
    return this.target.exec([interpreter, "-e", RUN_PROGRAM], {
      stdin,
      env: options.env,
      cwd: options.cwd,
      deadline: options.deadline ?? DEFAULT_RUN_TIMEOUT_MS,
      signal: options.signal,
    });
  }
}
