/**
 * The import rules of docs/architecture.md, as data: the one place they are written. A file
 * belongs to the layer with the longest matching path prefix; it may import files of the layers
 * its `mayImport` names (and, with "public", the public entry points); packages it must not import
 * are listed by prefix; the children of an `ACYCLIC_WITHIN` folder must not import each other in
 * a cycle. Rules name top-level folders (and a few shared sub-folders) so that moving files inside
 * a folder changes nothing here.
 */

/** A layer of the tree and what it may depend on. */
export interface Layer {
  /** Path prefixes of its files: a folder ends with `/`, anything else is one file. */
  paths: readonly string[];
  /** Layers (by name) its files may import; "public" admits the {@link PUBLIC_ENTRY_POINTS}. */
  mayImport: readonly string[];
  /** Package prefixes its files must not import (e.g. `@pulumi/`). */
  forbiddenPackages?: readonly string[];
}

/** The package's public entry points (`bioxen-luavm`, `bioxen-luavm/provider`, `bioxen-luavm/sim`). */
export const PUBLIC_ENTRY_POINTS: readonly string[] = ["index.ts", "provider/index.ts", "sim/index.ts"];

const SDK = ["sdk", "sdk/base", "sdk/xapi/wire", "schema"];
const PRODUCT = [...SDK, "entry", "provider", "sim", "cli", "program"];

/** The layers, by name. */
export const LAYERS: Readonly<Record<string, Layer>> = {
  /** Time, cancellation, errors, limits: imported by all of sdk, importing nothing of it. */
  "sdk/base": { paths: ["sdk/base/"], mayImport: ["sdk/base"], forbiddenPackages: ["@pulumi/"] },
  /** XML-RPC / JSON-RPC codecs, shared by the XAPI client and the simulator. */
  "sdk/xapi/wire": { paths: ["sdk/xapi/wire/"], mayImport: ["sdk/xapi/wire"], forbiddenPackages: ["@pulumi/"] },
  /** The library: XAPI, SSH, Lua, LuaRocks, VMs, environment files. No Pulumi. */
  sdk: { paths: ["sdk/"], mayImport: SDK, forbiddenPackages: ["@pulumi/"] },
  /** The environment file's JSON schema (data, read by sdk/env and editors). */
  schema: { paths: ["schema/"], mayImport: [] },
  /** The package root (`bioxen-luavm`): re-exports the SDK. */
  entry: { paths: ["index.ts"], mayImport: SDK, forbiddenPackages: ["@pulumi/"] },
  /** Pulumi resources, built only on the SDK. */
  provider: { paths: ["provider/"], mayImport: [...SDK, "provider"] },
  /** The pool simulator: depends on nothing of sdk but the wire codecs. */
  sim: { paths: ["sim/"], mayImport: ["sim", "sdk/xapi/wire"], forbiddenPackages: ["@pulumi/"] },
  /** The command line (`bioxen-luavm lock|check`), built only on the SDK. */
  cli: { paths: ["cli/"], mayImport: [...SDK, "cli"], forbiddenPackages: ["@pulumi/"] },
  /** The repository's root Pulumi program (environment files). */
  program: { paths: ["program/"], mayImport: ["program", "provider", ...SDK] },
  /** Runnable examples: the public entry points, their own helpers and the shared dev tools only. */
  examples: { paths: ["examples/"], mayImport: ["public", "examples", "examples/support", "scripts/support"] },
  /** What the examples share; nothing else imports it. */
  "examples/support": { paths: ["examples/support/"], mayImport: ["public", "examples/support", "scripts/support"] },
  /** Setup and demo scripts. */
  scripts: { paths: ["scripts/"], mayImport: [...PRODUCT, "scripts", "scripts/support"] },
  /** What examples, tests, benchmarks and scripts share (rocks server, demo pool, free port). */
  "scripts/support": { paths: ["scripts/support/"], mayImport: [...PRODUCT, "scripts/support"] },
  /** Tests: anything but the examples' helpers. */
  test: { paths: ["test/", "vitest.config.ts"], mayImport: [...PRODUCT, "test", "examples", "scripts", "scripts/support", "bench"] },
  /** Benchmarks: anything but the examples' helpers. */
  bench: { paths: ["bench/"], mayImport: [...PRODUCT, "bench", "test", "examples", "scripts", "scripts/support"] },
};

/**
 * Folders whose children (sub-folders, and files directly in them) must import each other one way
 * only: no cycle among them (e.g. sim/model → sim/rpc → sim/model).
 */
export const ACYCLIC_WITHIN: readonly string[] = ["sim/", "sdk/"];
