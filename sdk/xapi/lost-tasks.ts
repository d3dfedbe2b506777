/**
 * Tasks whose `Async.*` answer never arrived. xapi makes the task before it answers, keeps it in
 * the session's `tasks` (session.get_tasks) and keeps it after logout (its database GC removes a
 * finished task ~65 min later): when the answer is lost (connection cut, deadline, abort) the task
 * may exist with nobody to destroy it. The client remembers which tasks its callers hold and which
 * `Async.*` answers are still on their way; what remains in its session under the same name is the
 * lost call's task: it is awaited within the call's deadline and destroyed.
 */
import { Wait, type WaitOptions } from "../base/deadline";
import type { XapiCaller } from "./caller";
import { XapiError, xapiWaitError } from "./errors";
import { waitForTask } from "./tasks";

/** How long finding the lost tasks may take (listing, and answers of the same method still on their way). */
const LOOKUP_MS = 10_000;

/** The `Async.*` calls whose answer is on its way, and the tasks the client's callers hold. */
export class TaskLedger {
  private readonly held = new Set<string>();
  /** Tasks let go while a sweep runs: a listing made before their destroy may still name them. */
  private readonly lately = new Set<string>();
  private readonly pending = new Map<string, Set<Promise<unknown>>>();
  private readonly started = new Map<string, number>();
  private sweeps = 0;

  /** Records the submission of `label` (`Async.VM.clone`) until its answer settles; returns it. */
  submitting<T>(label: string, answer: Promise<T>): Promise<T> {
    const set = this.pending.get(label) ?? new Set();
    this.pending.set(label, set);
    this.started.set(label, (this.started.get(label) ?? 0) + 1);
    const settled = answer.then(
      () => undefined,
      () => undefined,
    );
    set.add(settled);
    void settled.then(() => set.delete(settled));
    return answer;
  }

  /** A caller holds `task` (it waits for it and destroys it) until {@link release}. */
  hold(task: string): void {
    this.held.add(task);
  }

  /** The caller is done with `task` (destroyed, or given up on). */
  release(task: string): void {
    this.held.delete(task);
    if (this.sweeps > 0) this.lately.add(task);
  }

  /**
   * Finds the tasks of `label` in `session` that no caller holds and no pending answer may still
   * claim (within LOOKUP_MS), waits for each within `wait` (cancelling it at the deadline, so at
   * once when the deadline has passed) and destroys it. `caller` makes cleanup calls: it must
   * work after the call's own deadline.
   * @returns what became of each task found, for the caller's error message
   */
  async sweep(caller: XapiCaller, session: string, label: string, wait: WaitOptions): Promise<string[]> {
    this.sweeps++;
    const lookup = new Wait({ deadline: LOOKUP_MS }, `the tasks of ${label} left by a lost answer`, xapiWaitError);
    try {
      const lost = await this.unclaimed(caller, session, label, lookup);
      return await Promise.all(lost.map((task) => settle(caller, task, label, wait)));
    } catch (error) {
      return [`looking for its task failed (${(error as Error).message}), so one may remain on the pool`];
    } finally {
      lookup.done();
      if (--this.sweeps === 0) this.lately.clear();
    }
  }

  /** Lists the session's tasks of `label` once no answer of `label` is pending, and keeps those nobody holds. */
  private async unclaimed(caller: XapiCaller, session: string, label: string, lookup: Wait): Promise<string[]> {
    const call = (method: string, ...params: string[]) => caller.callWith({ deadline: lookup.asDeadline() }, method, ...params) as Promise<string[]>;
    for (;;) {
      // An answer still on its way will name its own task: wait for those first.
      const pending = [...(this.pending.get(label) ?? [])];
      if (pending.length > 0) {
        await lookup.race(Promise.all(pending));
        continue;
      }
      const before = this.started.get(label) ?? 0;
      const [mine, named] = await Promise.all([call("session.get_tasks", session), call("task.get_by_name_label", label)]);
      // A submission sent meanwhile may have a task in the listing but no answer yet: list again.
      if ((this.started.get(label) ?? 0) !== before) continue;
      const ours = new Set(mine);
      return named.filter((task) => ours.has(task) && !this.held.has(task) && !this.lately.has(task));
    }
  }
}

/** Waits for a lost task within `wait` (cancelled at the deadline), destroys it, and says how it ended. */
async function settle(caller: XapiCaller, task: string, label: string, wait: WaitOptions): Promise<string> {
  const method = label.replace(/^Async\./, "");
  try {
    await waitForTask(caller, task, wait, method);
    return `its task ${task} succeeded and was destroyed`;
  } catch (error) {
    if (error instanceof XapiError && error.xapiCode === "HANDLE_INVALID") return `its task ${task} is gone`;
    if (error instanceof XapiError) return `its task ${task} failed with ${error.xapiCode} and was destroyed`;
    return `its task ${task} was cancelled and destroyed (${(error as Error).message})`;
  }
}
