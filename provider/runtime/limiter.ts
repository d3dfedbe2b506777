/**
 * Per-pool concurrency limit for creates: at most `bioxen:maxConcurrentCreates` (default 2)
 * creates run against one pool URL at a time within a provider host; the rest queue.
 */
import { settings } from "./config";

interface PoolSlots {
  running: number;
  queue: Array<() => void>;
}

const pools = new Map<string, PoolSlots>();

/**
 * Runs `fn` once a create slot for `poolUrl` is free; the slot is released when `fn` settles.
 * @param signal aborts the wait for a slot (not `fn` itself)
 */
export async function withCreateSlot<T>(poolUrl: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const slots = pools.get(poolUrl) ?? { running: 0, queue: [] };
  pools.set(poolUrl, slots);
  await acquire(slots, settings().maxConcurrentCreates, poolUrl, signal);
  try {
    return await fn();
  } finally {
    slots.running--;
    const next = slots.queue.shift();
    if (next) next();
    else if (slots.running === 0) pools.delete(poolUrl);
  }
}

/** How many creates run / wait for `poolUrl` (for tests and diagnostics). */
export function createSlotStats(poolUrl: string): { running: number; waiting: number } {
  const slots = pools.get(poolUrl);
  return { running: slots?.running ?? 0, waiting: slots?.queue.length ?? 0 };
}

function acquire(slots: PoolSlots, limit: number, poolUrl: string, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new Error(`waiting for a create slot on ${poolUrl} was aborted`));
  if (slots.running < limit) {
    slots.running++;
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const grant = () => {
      signal?.removeEventListener("abort", onAbort);
      slots.running++;
      resolve();
    };
    const onAbort = () => {
      slots.queue.splice(slots.queue.indexOf(grant), 1);
      reject(new Error(`waiting for a create slot on ${poolUrl} was aborted`));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    slots.queue.push(grant);
  });
}
