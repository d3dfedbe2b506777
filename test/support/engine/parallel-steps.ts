import { Semaphore } from "../../../sdk/base/semaphore";

/**
 * The Pulumi engine's default `--parallel` is unbounded. The harness bounds it: the provider's
 * work (SSH key exchanges, luarocks processes) runs on the same 2-core CI machine, where more
 * steps at once only add contention and push reads past their timeouts.
 */
export const ENGINE_PARALLELISM = 8;

/** How {@link runSteps} schedules. */
export interface StepSchedule<T> {
  /** Items whose step must finish before `item`'s starts; only items earlier in the list count. */
  after?: (item: T, earlier: readonly T[]) => readonly T[];
  /** Steps in flight at most (default {@link ENGINE_PARALLELISM}). */
  limit?: number;
  /** Ends waiting for a free slot (the operation was aborted). */
  signal?: AbortSignal;
}

/**
 * Runs `step` for every item as the engine runs an operation's steps: in parallel, an item only
 * after the steps it waits for (refresh reads wait for none; deletes wait for their dependents').
 * After the first failure no further step starts; the steps in flight finish; then that failure
 * is thrown, as the engine stops an operation (without --continue-on-error).
 */
export async function runSteps<T>(items: readonly T[], step: (item: T) => Promise<void>, schedule: StepSchedule<T> = {}): Promise<void> {
  const slots = new Semaphore(schedule.limit ?? ENGINE_PARALLELISM);
  const runs: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  for (const [index, item] of items.entries()) {
    const waitFor = (schedule.after?.(item, items.slice(0, index)) ?? []).map((other) => runs[items.indexOf(other)]!);
    runs.push(
      (async () => {
        await Promise.allSettled(waitFor);
        if (failure) return;
        const lease = await slots.acquire({ what: "engine step", ...(schedule.signal ? { signal: schedule.signal } : {}) });
        try {
          if (!failure) await step(item);
        } catch (error) {
          failure ??= { error };
        } finally {
          lease.release();
        }
      })(),
    );
  }
  const settled = await Promise.allSettled(runs);
  if (failure) throw failure.error;
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) throw rejected.reason;
}
