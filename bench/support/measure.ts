/**
 * Timing helpers shared by the benchmarks: run work, print ops/s, print ratios. Benchmarks run
 * once on shared, noisy machines, so they print numbers and ratios and never assert on them.
 */
import { performance } from "node:perf_hooks";

/** One measured run: what ran, how many operations, how long it took. */
export interface Measurement {
  label: string;
  ops: number;
  ms: number;
}

/** Operations per second of a measurement. */
export function opsPerSecond(m: Measurement): number {
  return m.ms > 0 ? (m.ops * 1000) / m.ms : Number.POSITIVE_INFINITY;
}

/**
 * Times `work` once, prints "<label>: <ops> ops in <ms> ms (<ops/s> ops/s)" and returns the
 * measurement.
 * @param label what is measured, printed as is
 * @param ops how many operations `work` performs (for ops/s)
 * @param work the operations
 */
export async function measure(label: string, ops: number, work: () => Promise<unknown>): Promise<Measurement> {
  const started = performance.now();
  await work();
  const result = { label, ops, ms: performance.now() - started };
  console.log(`${label}: ${ops} ops in ${result.ms.toFixed(0)} ms (${opsPerSecond(result).toFixed(1)} ops/s)`);
  return result;
}

/** Times `count` sequential calls of `step(i)`; see {@link measure}. */
export function measureSequential(label: string, count: number, step: (i: number) => Promise<unknown>): Promise<Measurement> {
  return measure(label, count, async () => {
    for (let i = 0; i < count; i += 1) await step(i);
  });
}

/**
 * Times `rounds` rounds of `width` concurrent calls of `step(i)` (each round waits for all of
 * its calls); see {@link measure}.
 */
export function measureConcurrent(label: string, rounds: number, width: number, step: (i: number) => Promise<unknown>): Promise<Measurement> {
  return measure(label, rounds * width, async () => {
    for (let round = 0; round < rounds; round += 1) {
      await Promise.all(Array.from({ length: width }, (_, j) => step(round * width + j)));
    }
  });
}

/**
 * Prints how many times faster `fast` was than `slow` (throughput ratio, same as the time ratio
 * per operation), e.g. "JSON-RPC vs XML-RPC (get_all_records): 1.8x".
 */
export function printRatio(title: string, fast: Measurement, slow: Measurement): number {
  const ratio = opsPerSecond(fast) / opsPerSecond(slow);
  console.log(`${title}: ${ratio.toFixed(2)}x`);
  return ratio;
}
