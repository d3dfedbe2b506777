/**
 * Which packages a set of files reaches through the import graph (./import-graph), transitively,
 * with the chain of files that leads there: e.g. a benchmark that ends up importing vitest.
 */
import type { ImportEdge } from "./import-graph";

/**
 * For each of `roots` that reaches a package `isUnwanted` accepts, one shortest chain
 * `root → file → … → package`; empty when none does. Packages are not followed into.
 */
export function chainsToPackages(edges: readonly ImportEdge[], roots: readonly string[], isUnwanted: (specifier: string) => boolean): string[] {
  const importsOf = new Map<string, ImportEdge[]>();
  for (const edge of edges) importsOf.set(edge.from, [...(importsOf.get(edge.from) ?? []), edge]);
  return roots.flatMap((root) => {
    const chain = shortestChain(importsOf, root, isUnwanted);
    return chain ? [chain.join(" → ")] : [];
  });
}

/** Breadth-first from `root`: the first unwanted package found, with the files on the way. */
function shortestChain(importsOf: ReadonlyMap<string, readonly ImportEdge[]>, root: string, isUnwanted: (specifier: string) => boolean): string[] | undefined {
  const cameFrom = new Map<string, string | undefined>([[root, undefined]]);
  const pathTo = (file: string): string[] => {
    const parent = cameFrom.get(file);
    return parent === undefined ? [file] : [...pathTo(parent), file];
  };
  const queue = [root];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const edge of importsOf.get(file) ?? []) {
      if (edge.target === undefined) {
        if (isUnwanted(edge.specifier)) return [...pathTo(file), edge.specifier];
      } else if (!cameFrom.has(edge.target)) {
        cameFrom.set(edge.target, file);
        queue.push(edge.target);
      }
    }
  }
  return undefined;
}
