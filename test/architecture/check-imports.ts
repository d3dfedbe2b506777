/**
 * Checks an import graph against the layer rules: each broken rule becomes one line naming the
 * importing file, what it imports and the rule.
 */
import type { ImportEdge } from "./import-graph";
import type { Layer } from "./layers";

/** The rules to check (normally those of ./layers). */
export interface ImportRules {
  layers: Readonly<Record<string, Layer>>;
  publicEntryPoints: readonly string[];
  acyclicWithin: readonly string[];
}

/** The layer of a repository path: the one with the longest matching prefix, or undefined. */
export function layerOf(path: string, layers: Readonly<Record<string, Layer>>): string | undefined {
  let best: { name: string; length: number } | undefined;
  for (const [name, layer] of Object.entries(layers)) {
    for (const prefix of layer.paths) {
      const matches = prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix;
      if (matches && prefix.length > (best?.length ?? -1)) best = { name, length: prefix.length };
    }
  }
  return best?.name;
}

/** Every broken rule of `edges`, one line each, sorted; empty when the graph keeps the rules. */
export function importViolations(edges: readonly ImportEdge[], rules: ImportRules): string[] {
  return [...edges.flatMap((edge) => edgeViolations(edge, rules)), ...rules.acyclicWithin.flatMap((folder) => cycleViolations(edges, folder))].sort();
}

function edgeViolations(edge: ImportEdge, rules: ImportRules): string[] {
  const from = layerOf(edge.from, rules.layers);
  if (from === undefined) return [`${edge.from}: in no layer of the rules; add its folder to test/architecture/layers.ts`];
  const layer = rules.layers[from];
  if (edge.target === undefined) {
    const forbidden = layer.forbiddenPackages?.find((prefix) => edge.specifier.startsWith(prefix));
    return forbidden ? [`${edge.from}: imports package ${edge.specifier}; ${from} must not import ${forbidden}*`] : [];
  }
  const to = layerOf(edge.target, rules.layers);
  if (to !== undefined && layer.mayImport.includes(to)) return [];
  if (layer.mayImport.includes("public") && rules.publicEntryPoints.includes(edge.target)) return [];
  return [`${edge.from}: imports ${edge.target} (${to ?? "no layer"}); ${from} may import only ${layer.mayImport.join(", ")}`];
}

/** A cycle among the children of `folder` (its sub-folders and files), reported as `a → b → a`. */
function cycleViolations(edges: readonly ImportEdge[], folder: string): string[] {
  const childOf = (path: string | undefined) => (path?.startsWith(folder) ? folder + path.slice(folder.length).split("/")[0] : undefined);
  const arrows = new Map<string, Set<string>>();
  for (const edge of edges) {
    const [from, to] = [childOf(edge.from), childOf(edge.target)];
    if (from && to && from !== to) arrows.set(from, (arrows.get(from) ?? new Set()).add(to));
  }
  const cycle = findCycle(arrows);
  return cycle ? [`import cycle in ${folder}: ${cycle.join(" → ")}; make the arrows point one way`] : [];
}

/** A cycle of the directed graph as a path that ends where it starts, or undefined. */
function findCycle(arrows: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    for (const next of arrows.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of arrows.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}
