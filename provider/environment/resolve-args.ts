/**
 * Turns a plan entry's `args` (pure data) into resource inputs: `{ref, output}` becomes the named
 * resource's output, `{config}`/`{env}` the referenced value (a secret at secret positions), and a
 * relative path of the file (`connection.caFile`, a LocalLua `tree`) an absolute path resolved
 * against the environment file's folder — the resource inputs a preview shows hold that path.
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { OutputRef, ResourcePlan } from "../../sdk/env";
import type { ResolvedArgs } from "./plan-binding";
import { isSecretRef, referenceValue, type ReferenceSources } from "./references";

/** Argument paths whose references are secrets. */
const SECRET_PATHS = new Set(["connection.password", "ssh.privateKey"]);

/** What the resolver needs besides the plan entry. */
export interface ResolveContext extends ReferenceSources {
  /** Resources created so far, by plan name (dependencies come first in a plan). */
  resources: ReadonlyMap<string, pulumi.Resource>;
  /** The project folder (the repository): a relative path that resolves outside it is warned about. */
  projectDir?: string;
  /** The environment file's folder: relative paths in the file resolve against it (default `projectDir`; no resolution when both are absent). */
  fileDir?: string;
  /** Receives what resolving paths has to say: each relative path and where it resolved, a path leaving `projectDir`. */
  report?: (level: "info" | "warn", message: string) => void;
}

/** True for `{ref: "<plan name>", output: "<output>"}`. */
export function isOutputRef(value: unknown): value is OutputRef {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  const v = value as Record<string, unknown>;
  return keys.length === 2 && keys[0] === "output" && keys[1] === "ref" && typeof v.ref === "string" && typeof v.output === "string";
}

/**
 * The resource inputs of one plan entry, typed as its resource's args (see plan-binding.ts).
 * @throws Error naming the plan entry and argument when a reference cannot be resolved
 */
export function resolveArgs<P extends ResourcePlan>(plan: P, context: ResolveContext): ResolvedArgs<P["kind"]> {
  const args = resolveValue(plan.args, "", plan.name, context) as Record<string, unknown>;
  const connection = args.connection as Record<string, unknown> | undefined;
  if (typeof connection?.caFile === "string") args.connection = { ...connection, caFile: resolvePath(connection.caFile, `${plan.name}: connection.caFile`, context) };
  if (plan.kind === "LocalLua" && typeof args.tree === "string") args.tree = resolvePath(args.tree, `${plan.name}: tree`, context);
  // resolveValue replaces references exactly as the type Resolved describes.
  return args as ResolvedArgs<P["kind"]>;
}

/** `file` made absolute against the file's folder; reports where it went, and warns when it leaves the project folder. */
function resolvePath(file: string, where: string, context: ResolveContext): string {
  const base = context.fileDir ?? context.projectDir;
  if (base === undefined || path.isAbsolute(file)) return file;
  const resolved = path.resolve(base, file);
  context.report?.("info", `${where}: ${file} resolves to ${resolved} (relative to the environment file's folder ${base})`);
  const inProject = context.projectDir === undefined ? "" : path.relative(context.projectDir, resolved);
  if (inProject === ".." || inProject.startsWith(`..${path.sep}`) || path.isAbsolute(inProject)) {
    context.report?.("warn", `${where}: ${file} resolves to ${resolved}, outside the project folder ${context.projectDir}; keep files the deployment needs inside the repository`);
  }
  return resolved;
}

function resolveValue(value: unknown, at: string, owner: string, context: ResolveContext): unknown {
  if (isOutputRef(value)) return outputOf(value, `${owner}: ${at}`, context);
  if (isSecretRef(value)) return referenceValue(value, SECRET_PATHS.has(at), `${owner}: ${at}`, context);
  if (Array.isArray(value)) return value.map((item, i) => resolveValue(item, `${at}[${i}]`, owner, context));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveValue(item, at ? `${at}.${key}` : key, owner, context)]));
  }
  return value;
}

function outputOf(ref: OutputRef, where: string, context: ResolveContext): pulumi.Output<unknown> {
  const resource = context.resources.get(ref.ref);
  if (!resource) {
    throw new Error(`${where}: refers to resource ${ref.ref}, which is not planned before it; planned so far: ${[...context.resources.keys()].join(", ") || "none"}`);
  }
  const output = (resource as unknown as Record<string, unknown>)[ref.output];
  if (output === undefined) throw new Error(`${where}: resource ${ref.ref} has no output "${ref.output}"`);
  return output as pulumi.Output<unknown>;
}
