import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaSessionHost } from "../../sdk/lua";
import { localTarget } from "../../sdk/target";
import { TmuxServer } from "./support/tmux";

// (tmux shows tabs as spaces.) Drives the built REPL (dist/, as `npm test` builds it) in tmux like a person would: typed keys, a screen to read.
const tmux = new TmuxServer("repl");
let dir: string;

function startRepl(pane: string): void {
  tmux.start(pane, `node bin/bioxen-luavm.js repl --local --dir ${dir} --session lab --no-history`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bioxen-repl-"));
  await writeFile(join(dir, "more.lua"), 'y = 7\nprint(">loaded " .. y)\n');
});

afterAll(async () => {
  tmux.kill();
  const host = new LuaSessionHost(localTarget(), "lua5.4", { namespace: "repl", dir });
  for (const { name } of await host.list()) await host.kill(name);
  await rm(dir, { recursive: true, force: true });
});

describe("bioxen-luavm repl under tmux (local target)", () => {
  it("runs multi-line input, prints output untouched, interrupts on Ctrl-C, detaches on Ctrl-D; a new REPL sees the state, loads a file, detaches and attaches again", async () => {
    startRepl("first");
    await tmux.screenShowing("first", /attached to repl\/lab\n>$/m);
    tmux.type("first", "local x = 41");
    tmux.type("first", "function g()");
    await tmux.screenShowing("first", /^>>$/m);
    tmux.type("first", "return x + 1");
    tmux.type("first", "end");
    tmux.type("first", 'g(), ">seq"');
    tmux.type("first", 'print(">FASTA header")');
    const shown = await tmux.screenShowing("first", /^>FASTA header$/m);
    expect(shown).toMatch(/^42\s+>seq$/m);
    tmux.type("first", "while true do end");
    await new Promise((done) => setTimeout(done, 500));
    tmux.press("first", "C-c");
    await tmux.screenShowing("first", /input:1: interrupted!/);
    tmux.type("first", ".sessions");
    await tmux.screenShowing("first", /^lab\s+pid \d+\s+\(attached\)$/m);
    tmux.press("first", "C-d");
    await tmux.exitedCleanly("first");

    startRepl("second");
    await tmux.screenShowing("second", /attached to repl\/lab/);
    tmux.type("second", "x, g()");
    await tmux.screenShowing("second", /^41\s+42$/m);
    tmux.type("second", `.load ${join(dir, "more.lua")}`);
    await tmux.screenShowing("second", /^>loaded 7$/m);
    tmux.type("second", ".detach");
    await tmux.screenShowing("second", /detached; the session keeps running/);
    tmux.type("second", ".attach lab");
    await tmux.screenShowing("second", /attached to repl\/lab[\s\S]*attached to repl\/lab/);
    tmux.type("second", "y * 6");
    await tmux.screenShowing("second", /^42$/m);
    tmux.press("second", "C-d");
    await tmux.exitedCleanly("second");
  }, 120_000);
});
