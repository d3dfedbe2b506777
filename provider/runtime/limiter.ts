/**
 * Per-pool concurrency limit for creates: at most `bioxen:maxConcurrentCreates` (default 2)
 * creates run against one pool URL at a time within a provider host; the rest queue.
 */
import { KeyedSemaphore } from "../../sdk/base/semaphore";
import { settings } from "./config";

const pools = new KeyedSemaphore(() => settings().maxConcurrentCreates);

/**
 * Runs `fn` once a create slot for `poolUrl` is free; the slot is released when `fn` settles.
 * @param signal aborts the wait for a slot (not `fn` itself)
 */
export function withCreateSlot<T>(poolUrl: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return pools.run(poolUrl, fn, { signal, what: `create on ${poolUrl}` });
}
