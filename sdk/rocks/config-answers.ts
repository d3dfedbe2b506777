/**
 * What luarocks says about a target's configuration (a named tree's root, the Lua it installs
 * for, a tree's module paths) does not change while a process runs, so each answer is asked once
 * per target, luarocks command, Lua version, tree and environment, and shared by every LuaRocks
 * on that target: a LuaPackage operation then skips a luarocks start (~0.1–0.2 s of CPU and, over
 * SSH, a round trip) per question. A failed question is asked again next time, and a caller that
 * joined a question which then failed asks once more itself.
 */
import type { LuaRocksSetup } from "./invocation";

const answers = new Map<string, Promise<unknown>>();

/**
 * `ask()`'s answer for `question` about `tree` as `setup` runs luarocks, asked at most once at a
 * time and kept while it succeeds. The key holds everything that could change the answer: the
 * caller's env and, for a local target, the HOME and LUAROCKS_CONFIG this process passes on.
 */
export function askedOnce<T>(setup: LuaRocksSetup, tree: string, question: string, ask: () => Promise<T>): Promise<T> {
  const key = JSON.stringify([
    question,
    setup.target.key,
    setup.command,
    setup.luaVersion ?? "",
    tree,
    Object.entries(setup.env).sort(([a], [b]) => a.localeCompare(b)),
    process.env.HOME ?? "",
    process.env.LUAROCKS_CONFIG ?? "",
  ]);
  const start = (): Promise<T> => {
    const asked = ask();
    answers.set(key, asked);
    asked.catch(() => answers.delete(key));
    return asked;
  };
  const pending = answers.get(key) as Promise<T> | undefined;
  // A question another caller asked may fail for that caller's own reasons (its deadline, its
  // abort): whoever joined it asks once more (or joins a newer question) before failing.
  return pending ? pending.catch(() => (answers.get(key) as Promise<T> | undefined) ?? start()) : start();
}
