/**
 * `bioxen-luavm repl`: an interactive console on an attachable Lua session. Lines go to the
 * session as typed (an unfinished chunk gets the ">>" prompt, like `lua`); output is written as
 * it arrives, byte for byte. Commands: `.attach <name>`, `.detach`, `.sessions`, `.load <file>`,
 * `.help`. Ctrl-C interrupts the running chunk (or clears the line); Ctrl-D detaches and exits.
 * Lines entered are kept between runs (see repl-history.ts) unless `--no-history` is given.
 */
import { readFile } from "node:fs/promises";
import { createInterface, type Interface } from "node:readline";
import { parseArgs } from "node:util";
import { closeAllSshConnections } from "../sdk/ssh";
import { LuaRunner, type AttachedSession, type LuaSessionHost } from "../sdk/lua";
import { HISTORY_SIZE, historyFile, loadHistory, persistHistory } from "./repl-history";
import { replTarget } from "./repl-target";

/** How the repl command is called. */
export const REPL_USAGE = `usage: bioxen-luavm repl [--local | --ssh user@host[:port] --host-key SHA256:… [--identity FILE]
                          | --vm INSTANCE --env ENVIRONMENT-FILE [--identity FILE]]
                         [--session NAME] [--dir DIR] [--interpreter LUA] [--no-history]`;
const HELP = ".attach NAME  attach to a session (another client's attachment ends)\n" +
  ".detach       leave the session running\n.sessions     list the sessions\n" +
  ".load FILE    run a Lua file in the session\n.help         this text\n" +
  "Ctrl-C interrupts the running chunk, Ctrl-D detaches and exits.\n";

/** Runs the REPL until Ctrl-D; resolves with the exit code. */
export async function repl(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      local: { type: "boolean" }, ssh: { type: "string" }, "host-key": { type: "string" }, identity: { type: "string" },
      vm: { type: "string" }, env: { type: "string" }, session: { type: "string" }, dir: { type: "string" }, interpreter: { type: "string" },
      "no-history": { type: "boolean" },
    },
  });
  try {
    const { target, interpreter, namespace } = await replTarget({ ...values, hostKey: values["host-key"] });
    const host = await new LuaRunner(target, { interpreter }).sessionHost({ namespace, dir: values.dir, timeoutMs: 60_000 });
    const console = new Console(host, lineEditor(values["no-history"] !== true));
    await console.start(values.session);
    return await console.run();
  } finally {
    await closeAllSshConnections();
  }
}

/** Readline on the terminal, with the saved history when `remember` (and saving each line entered). */
function lineEditor(remember: boolean): Interface {
  const warn = (message: string) => process.stderr.write(`${message}\n`);
  const file = remember ? historyFile() : undefined;
  const history = file === undefined ? [] : loadHistory(file, warn);
  const lines = createInterface({ input: process.stdin, output: process.stdout, historySize: HISTORY_SIZE, history });
  if (file !== undefined) persistHistory(lines, file, warn);
  return lines;
}

class Console {
  private session?: AttachedSession;
  private busy = false;
  private more = false;
  /** Chunks whose `done` the output loop has seen, and the one evaluate() waits for. */
  private readonly finished = new Set<string>();
  private waiting?: { chunk: string; resolve: () => void };
  /** Lines are handled one after the other, in the order typed. */
  private handling: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: LuaSessionHost,
    private readonly lines: Interface,
  ) {}

  /** Attaches to `name` when such a session runs, else starts it (a fresh name when none is given). */
  async start(name: string | undefined): Promise<void> {
    const running = name !== undefined && (await this.host.list()).some((session) => session.name === name);
    this.use(running ? await this.host.attach(name) : await this.host.create(name));
  }

  run(): Promise<number> {
    return new Promise((resolve) => {
      this.lines.on("SIGINT", () => this.onInterrupt());
      this.lines.on("close", () => {
        process.stdout.write("\n"); // Ctrl-D leaves the prompt's line, as lua does
        void this.handling.then(() => this.session?.detach()).finally(() => resolve(0));
      });
      this.lines.on("line", (line) => {
        this.handling = this.handling.then(() => this.onLine(line)).catch((error: Error) => {
          this.report(error.message);
          this.prompt();
        });
      });
      this.prompt();
    });
  }

  private use(session: AttachedSession): void {
    this.session = session;
    this.more = false;
    process.stdout.write(`attached to ${session.id}\n`);
    void this.show(session);
  }

  /** Writes every event of an attachment as it arrives, until it ends. */
  private async show(session: AttachedSession): Promise<void> {
    let values: string[] = [];
    for await (const event of session) {
      if (event.type === "stdout") process.stdout.write(event.data);
      else if (event.type === "stderr") process.stderr.write(event.data);
      else if (event.type === "value") values.push(event.text);
      else if (event.type === "error") process.stderr.write(`${event.text}\n`);
      else if (event.type === "lost") process.stderr.write(`(${event.events} earlier outputs were dropped: the session's buffer was full)\n`);
      else if (event.type === "detached" && event.reason !== "detach") process.stderr.write(`(detached: ${event.reason})\n`);
      else if (event.type === "done") {
        if (values.length > 0) process.stdout.write(`${values.join("\t")}\n`);
        values = [];
        this.chunkDone(event.chunk);
      }
    }
    if (this.waiting) this.chunkDone(this.waiting.chunk); // the attachment ended: stop waiting
  }

  private chunkDone(chunk: string): void {
    if (this.waiting?.chunk === chunk) {
      this.waiting.resolve();
      this.waiting = undefined;
    } else this.finished.add(chunk);
  }

  private untilDone(chunk: string): Promise<void> {
    if (this.finished.delete(chunk)) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { chunk, resolve }));
  }

  private async onLine(line: string): Promise<void> {
    const command = /^\.(\w+)\s*(.*)$/.exec(line);
    if (command && !this.more) await this.onCommand(command[1]!, command[2]!.trim());
    else if (!this.session?.attached) this.report("not attached: .attach NAME or .sessions");
    else await this.evaluate(this.session, line);
    this.prompt();
  }

  private async onCommand(name: string, argument: string): Promise<void> {
    if (name === "attach") {
      if (!argument) throw new Error(".attach needs a session name");
      if (this.session?.attached) await this.session.detach();
      this.use(await this.host.attach(argument));
    } else if (name === "detach") {
      await this.session?.detach();
      process.stdout.write("detached; the session keeps running\n");
    } else if (name === "sessions") {
      for (const session of await this.host.list()) process.stdout.write(`${session.name}\tpid ${session.pid}${session.id === this.session?.id && this.session.attached ? "\t(attached)" : ""}\n`);
    } else if (name === "load") {
      if (!this.session?.attached) throw new Error("not attached");
      await this.evaluate(this.session, await readFile(argument, "utf8"));
    } else if (name === "help") process.stdout.write(HELP);
    else throw new Error(`unknown command .${name} (.help lists them)`);
  }

  /** Sends input and, when it runs, waits until its chunk is done (output is shown meanwhile). */
  private async evaluate(session: AttachedSession, input: string): Promise<void> {
    this.busy = true;
    try {
      const { chunk, more } = await session.send(input, { deadline: Infinity });
      this.more = more;
      if (!more && session.attached) await this.untilDone(chunk);
    } finally {
      this.busy = false;
    }
  }

  private onInterrupt(): void {
    if (this.busy && this.session?.attached) {
      this.session.interrupt();
      return;
    }
    this.more = false;
    process.stdout.write("^C\n");
    this.prompt();
  }

  private prompt(): void {
    this.lines.setPrompt(this.more ? ">> " : "> ");
    this.lines.prompt();
  }

  private report(message: string): void {
    process.stderr.write(`${message}\n`);
  }
}

