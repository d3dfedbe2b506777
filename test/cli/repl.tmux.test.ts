import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaSessionHost } from "../../sdk/lua";
import { localTarget } from "../../sdk/target";

// (tmux shows tabs as spaces.) Drives the built REPL (dist/, as `npm test` builds it) in tmux like a person would: typed keys, a screen to read.
const REPO_ROOT = resolve(__dirname, "../..");
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", server, ...args], { encoding: "utf8" });
const server = `bioxen-repl-${process.pid}`;
let dir: string;

/** Types `text` literally, then Enter. */
function type(pane: string, text: string): void {
  tmux("send-keys", "-t", pane, "-l", text);
  tmux("send-keys", "-t", pane, "Enter");
}

/** The pane's text once `expected` shows up in it (looking every 100 ms, at most 30 s). */
async function screenShowing(pane: string, expected: RegExp): Promise<string> {
  let screen = "";
  for (let waited = 0; waited < 30_000; waited += 100) {
    screen = tmux("capture-pane", "-p", "-t", pane);
    if (expected.test(screen)) return screen;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the screen never showed ${expected}:\n${screen}`);
}

function startRepl(pane: string): void {
  tmux("new-session", "-d", "-s", pane, "-c", REPO_ROOT, "-x", "120", "-y", "40", `node bin/bioxen-luavm.js repl --local --dir ${dir} --session lab`);
  tmux("set-option", "-t", pane, "remain-on-exit", "on");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-repl-"));
});

afterAll(async () => {
  try {
    tmux("kill-server");
  } catch {
    // no pane left
  }
  const host = new LuaSessionHost(localTarget(), "lua5.4", { namespace: "repl", dir });
  for (const { name } of await host.list()) await host.kill(name);
  await rm(dir, { recursive: true, force: true });
});

describe("bioxen-luavm repl under tmux (local target)", () => {
  it("runs multi-line input, prints output untouched, interrupts on Ctrl-C, detaches on Ctrl-D, and a new REPL sees the state", async () => {
    startRepl("first");
    await screenShowing("first", /attached to repl\/lab\n>$/m);
    type("first", "local x = 41");
    type("first", "function g()");
    await screenShowing("first", /^>>$/m);
    type("first", "return x + 1");
    type("first", "end");
    type("first", 'g(), ">seq"');
    type("first", 'print(">FASTA header")');
    const shown = await screenShowing("first", /^>FASTA header$/m);
    expect(shown).toMatch(/^42\s+>seq$/m);
    type("first", "while true do end");
    await new Promise((done) => setTimeout(done, 500));
    tmux("send-keys", "-t", "first", "C-c");
    await screenShowing("first", /input:1: interrupted!/);
    type("first", ".sessions");
    await screenShowing("first", /^lab\s+pid \d+\s+\(attached\)$/m);
    tmux("send-keys", "-t", "first", "C-d");
    await screenShowing("first", /Pane is dead \(status 0/);

    startRepl("second");
    await screenShowing("second", /attached to repl\/lab/);
    type("second", "x, g()");
    await screenShowing("second", /^41\s+42$/m);
    type("second", ".detach");
    await screenShowing("second", /detached; the session keeps running/);
    tmux("send-keys", "-t", "second", "C-d");
    await screenShowing("second", /Pane is dead \(status 0/);
  }, 120_000);
});
