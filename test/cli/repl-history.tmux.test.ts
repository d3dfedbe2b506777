import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HISTORY_SIZE, historyFile, loadHistory } from "../../cli/repl-history";
import { LuaSessionHost } from "../../sdk/lua";
import { localTarget } from "../../sdk/target";
import { TmuxServer } from "./support/tmux";

// Drives the built REPL (dist/) in tmux: what a person typed in one run is there, with Up, in the next.
const tmux = new TmuxServer("repl-history");
let dir: string;
let state: string;

function startRepl(pane: string, ...flags: string[]): void {
  tmux.start(pane, `node bin/bioxen-luavm.js repl --local --dir ${dir} --session hist ${flags.join(" ")}`, { XDG_STATE_HOME: state });
}

async function runTyping(pane: string, line: string): Promise<void> {
  startRepl(pane);
  await tmux.screenShowing(pane, /attached to repl\/hist\n>$/m);
  tmux.type(pane, line);
  await tmux.screenShowing(pane, /"\n>$/m); // the line entered, then the next prompt (tmux trims its trailing space)
  tmux.press(pane, "C-d");
  await tmux.exitedCleanly(pane);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-repl-history-"));
  state = join(dir, "state");
});

afterAll(async () => {
  tmux.kill();
  const host = new LuaSessionHost(localTarget(), "lua5.4", { namespace: "repl", dir });
  for (const { name } of await host.list()) await host.kill(name);
  await rm(dir, { recursive: true, force: true });
});

describe("bioxen-luavm repl history", () => {
  it("keeps the lines of one run for the next (Up recalls them), in a 0600 file under XDG_STATE_HOME; --no-history neither reads nor writes it", async () => {
    await runTyping("first", 'marker = "typed in the first run"');
    const file = historyFile({ XDG_STATE_HOME: state });
    expect(file).toBe(join(state, "bioxen-luavm", "repl_history"));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe('marker = "typed in the first run"\n');

    startRepl("second");
    await tmux.screenShowing("second", /attached to repl\/hist\n>$/m);
    tmux.press("second", "Up");
    await tmux.screenShowing("second", /^> marker = "typed in the first run"$/m);
    tmux.press("second", "C-u");
    tmux.type("second", "print(marker)");
    await tmux.screenShowing("second", /^typed in the first run$/m);
    tmux.press("second", "C-d");
    await tmux.exitedCleanly("second");
    expect(await readFile(file, "utf8")).toBe('marker = "typed in the first run"\nprint(marker)\n');

    startRepl("third", "--no-history");
    await tmux.screenShowing("third", /attached to repl\/hist\n>$/m);
    tmux.press("third", "Up");
    tmux.type("third", 'print("no history: " .. tostring(nil))');
    await tmux.screenShowing("third", /^no history: nil$/m);
    expect(tmux.run("capture-pane", "-p", "-t", "third")).not.toContain("print(marker)");
    tmux.press("third", "C-d");
    await tmux.exitedCleanly("third");
    expect(await readFile(file, "utf8")).toBe('marker = "typed in the first run"\nprint(marker)\n');
  }, 120_000);

  it("loads at most HISTORY_SIZE entries, newest first", async () => {
    const file = join(dir, "long_history");
    await writeFile(file, Array.from({ length: HISTORY_SIZE + 5 }, (_, i) => `line ${i}\n`).join(""));
    const loaded = loadHistory(file, (message) => expect.fail(message));
    expect(loaded).toHaveLength(HISTORY_SIZE);
    expect(loaded[0]).toBe(`line ${HISTORY_SIZE + 4}`);
    expect(loaded.at(-1)).toBe("line 5");
    expect(loadHistory(join(dir, "absent"), (message) => expect.fail(message))).toEqual([]);
  });
});
