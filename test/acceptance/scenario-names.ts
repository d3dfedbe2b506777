/** The acceptance scenarios' names (no vitest here: the runner validates `--scenario` with it). */
export const SCENARIO_NAMES = ["whole-stack lifecycle", "replace", "adoption", "FASTA workload"] as const;

/** A scenario's name. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The names in `list` (comma-separated; all when empty); an unknown name is an error listing the known ones. */
export function selectScenarioNames(list: string | undefined): readonly ScenarioName[] {
  const names = (list ?? "").split(",").map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) return SCENARIO_NAMES;
  const unknown = names.filter((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`acceptance: no scenario ${unknown.map((n) => JSON.stringify(n)).join(", ")}; known: ${SCENARIO_NAMES.map((n) => JSON.stringify(n)).join(", ")}`);
  return SCENARIO_NAMES.filter((n) => names.includes(n));
}
