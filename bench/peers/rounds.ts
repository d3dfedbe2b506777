/**
 * Interleaved A/B rounds: each round measures our side and the peer's side (alternating which
 * goes first, so drift and warm-up favour neither), and the comparison reports the median ratio
 * ours/peer with its min and max. Nothing here asserts on time.
 */

/** One side of a round: named measurements (ms per operation, bytes, …), lower is better. */
export type Side = () => Promise<Record<string, number>>;

/** One measured quantity over all rounds. */
export interface Comparison {
  /** e.g. "ssh: sequential exec of `true`, warm connection". */
  workload: string;
  /** What the numbers are ("ms/op", "MB peak RSS growth"). */
  unit: string;
  ours: string;
  peer: string;
  /** Medians of the raw values. */
  oursMedian: number;
  peerMedian: number;
  /** Ratio ours/peer of each round, and their median, min and max. */
  ratios: number[];
  ratio: { median: number; min: number; max: number };
  /** The target for the ratio (ours/peer <= target), when it has one. */
  target?: number;
}

/** What one comparison measures: the two sides and, per measurement key, its description. */
export interface RoundsSpec {
  rounds: number;
  ours: { name: string; run: Side };
  peer: { name: string; run: Side };
  /** Per key returned by both sides: workload text, unit and optional target ratio. */
  measures: Record<string, { workload: string; unit: string; target?: number }>;
}

/** Runs `spec.rounds` interleaved rounds and returns one comparison per measurement key. */
export async function compareInRounds(spec: RoundsSpec): Promise<Comparison[]> {
  const ours: Record<string, number>[] = [];
  const peer: Record<string, number>[] = [];
  for (let round = 0; round < spec.rounds; round += 1) {
    if (round % 2 === 0) {
      ours.push(await spec.ours.run());
      peer.push(await spec.peer.run());
    } else {
      peer.push(await spec.peer.run());
      ours.push(await spec.ours.run());
    }
  }
  return Object.entries(spec.measures).map(([key, measure]) =>
    comparisonOf(
      { ...measure, ours: spec.ours.name, peer: spec.peer.name },
      ours.map((r) => valueOf(r, key, spec.ours.name)),
      peer.map((r) => valueOf(r, key, spec.peer.name)),
    ),
  );
}

/** What a comparison is about: the measured quantity and the two sides' names. */
export type ComparisonLabels = Pick<Comparison, "workload" | "unit" | "ours" | "peer" | "target">;

/** Builds (and prints) the comparison of paired values: `ours[i]` and `peer[i]` come from round i. */
export function comparisonOf(labels: ComparisonLabels, ours: readonly number[], peer: readonly number[]): Comparison {
  const ratios = ours.map((value, i) => value / peer[i]);
  const comparison: Comparison = {
    ...labels,
    oursMedian: median(ours),
    peerMedian: median(peer),
    ratios,
    ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
  };
  printComparison(comparison);
  return comparison;
}

function valueOf(record: Record<string, number>, key: string, side: string): number {
  const value = record[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${side} measured no "${key}"`);
  return value;
}

/** The median of `values` (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function printComparison(c: Comparison): void {
  const target = c.target === undefined ? "" : `  (target <= ${c.target}: ${c.ratio.median <= c.target ? "met" : "NOT met"})`;
  console.log(
    `${c.workload}: ours ${round(c.oursMedian)} vs ${c.peer} ${round(c.peerMedian)} ${c.unit}; ` +
      `ratio ${c.ratio.median.toFixed(2)} [${c.ratio.min.toFixed(2)}–${c.ratio.max.toFixed(2)}]${target}`,
  );
}

function round(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
}

/** Milliseconds per operation of `count` sequential calls of `step`. */
export async function msPerOp(count: number, step: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await step(i);
  return (performance.now() - started) / count;
}

/** Milliseconds one call of `work` takes. */
export async function msOf(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
