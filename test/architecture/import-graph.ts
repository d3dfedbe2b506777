/**
 * Every import of the repository's TypeScript files, resolved to repository paths: static
 * imports and re-exports (type-only ones too), `import x = require()`, `require()` and `import()`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** One import: the importing file and what it names, both relative to the repository root (posix). */
export interface ImportEdge {
  /** Importing file, e.g. `sdk/vm/create-vm.ts`. */
  from: string;
  /** The specifier as written, e.g. `../xapi` or `@pulumi/pulumi`. */
  specifier: string;
  /** The repository path it resolves to (`sdk/xapi/index.ts`), or undefined for a package. */
  target?: string;
}

/** Folders that are not the project's source (.tmp: git-ignored scratch files). */
const SKIPPED = new Set(["node_modules", "dist", ".git", ".tmp"]);

/** The repository's `.ts` files, relative to `root`, sorted. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) files.push(toPosix(relative(root, full)));
    }
  };
  walk(root);
  return files.sort();
}

/** The specifiers a source text imports, in order of appearance. */
export function importSpecifiers(sourceText: string): string[] {
  return ts.preProcessFile(sourceText, true, true).importedFiles.map((file) => file.fileName);
}

/** Package-name aliases (tsconfig `paths`, e.g. `bioxen-luavm/provider` → `provider/index.ts`). */
export type PathAliases = Record<string, string>;

/** The `paths` of `root/tsconfig.json`, each alias to its first target. */
export function tsconfigAliases(root: string): PathAliases {
  const { config, error } = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  if (error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  const paths = (config.compilerOptions?.paths ?? {}) as Record<string, string[]>;
  return Object.fromEntries(Object.entries(paths).map(([alias, targets]) => [alias, posix.normalize(targets[0])]));
}

/**
 * Resolves a specifier written in `from` to a repository path: relative specifiers by the file
 * system (`x.ts`, `x/index.ts`, `x.d.ts`, else the path as written), aliases by `aliases`;
 * undefined for packages.
 */
export function resolveSpecifier(root: string, from: string, specifier: string, aliases: PathAliases): string | undefined {
  if (specifier in aliases) return aliases[specifier];
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(root, dirname(from), specifier);
  const found = [`${base}.ts`, join(base, "index.ts"), `${base}.d.ts`].find(existsSync) ?? base;
  return toPosix(relative(root, found));
}

/** Every import edge of the repository under `root`. */
export function importGraph(root: string): ImportEdge[] {
  const aliases = tsconfigAliases(root);
  return sourceFiles(root).flatMap((from) =>
    importSpecifiers(readFileSync(join(root, from), "utf8")).map((specifier) => ({ from, specifier, target: resolveSpecifier(root, from, specifier, aliases) })),
  );
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
