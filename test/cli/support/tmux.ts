/**
 * Driving a command in tmux like a person would: typed keys, a screen read back. Each test file
 * gets its own tmux server (`-L`), killed by {@link TmuxServer.kill}.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/** The checkout whose built bin/ the panes run. */
export const REPO_ROOT = resolve(__dirname, "../../..");

/** A private tmux server and its panes. */
export class TmuxServer {
  private readonly socket: string;

  /** @param label names the server (with the process id) */
  constructor(label: string) {
    this.socket = `bioxen-${label}-${process.pid}`;
  }

  /** Runs a tmux command on this server. */
  run(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  /**
   * Starts `command` in a new 120×40 pane named `pane` in the checkout, with extra environment.
   * When it ends, the pane's shell prints `[exited <status>]` and stays (tmux 3.3 can take more
   * than 30 s to mark a pane dead after its process exited, so its "Pane is dead" is not waited for).
   */
  start(pane: string, command: string, env: Record<string, string> = {}): void {
    const vars = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    this.run("new-session", "-d", "-s", pane, "-c", REPO_ROOT, "-x", "120", "-y", "40", ...vars, `${command}; echo "[exited $?]"; exec sleep 3600`);
  }

  /** Waits until the pane's command has exited with status 0. */
  async exitedCleanly(pane: string): Promise<void> {
    await this.screenShowing(pane, /^\[exited 0\]$/m);
  }

  /** Types `text` literally, then Enter. */
  type(pane: string, text: string): void {
    this.run("send-keys", "-t", pane, "-l", text);
    this.run("send-keys", "-t", pane, "Enter");
  }

  /** Presses a key (tmux key name, e.g. `C-c`). */
  press(pane: string, key: string): void {
    this.run("send-keys", "-t", pane, key);
  }

  /** The pane's text once `expected` shows up in it (looking every 100 ms, at most `timeoutMs`). */
  async screenShowing(pane: string, expected: RegExp, timeoutMs = 30_000): Promise<string> {
    let screen = "";
    for (let waited = 0; waited < timeoutMs; waited += 100) {
      screen = this.run("capture-pane", "-p", "-t", pane);
      if (expected.test(screen)) return screen;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`the screen never showed ${expected}:\n${screen}`);
  }

  /** Ends the server and its panes (nothing to do when none is left). */
  kill(): void {
    try {
      this.run("kill-server");
    } catch {
      // no pane left
    }
  }
}
