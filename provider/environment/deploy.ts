/**
 * Deploying an environment file: one resource per plan entry, named by the entry (so names come
 * from the file's keys, never positions), with references resolved and `dependsOn` from the plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { planEnvironment, type EnvironmentLock, type EnvironmentSpec, type ResourcePlan } from "../../sdk/env";
import { LocalLua } from "../local-lua";
import { LuaPackage } from "../lua-package";
import { VmNetwork } from "../vm-network";
import { XcpngLuaVM } from "../xcpng-lua-vm";
import { missingReferences, type ReferenceSources } from "./references";
import { resolveArgs, type ResolveContext } from "./resolve-args";

/** Options of {@link deployEnvironment}. */
export interface DeployEnvironmentOptions extends ReferenceSources {
  /** The file's name for messages (default "environment file"). */
  file?: string;
  /** The project folder (the repository); relative paths leaving it are warned about. Default: the provider host's working folder. */
  projectDir?: string;
  /** The environment file's folder: relative paths of the file (LocalLua trees, CA files) resolve against it. Default: `projectDir`. */
  fileDir?: string;
  /** Resource options given to every resource (e.g. a parent); `dependsOn` is added from the plan. */
  resourceOptions?: pulumi.CustomResourceOptions;
  /** The file's lock (checked against it by loading): packages get exactly its versions. */
  lock?: EnvironmentLock;
}

/** A resource of a deployed environment. */
export type EnvironmentResource = VmNetwork | LocalLua | XcpngLuaVM | LuaPackage;

/** Thrown before any resource is declared when references of the file have no value; lists them all. */
export class MissingReferenceError extends Error {
  override readonly name = "MissingReferenceError";
}

/**
 * Declares the resources of a VALIDATED environment (Pulumi program code). References
 * (`{config}`, `{env}`) are checked first: when any has no value, nothing is declared and a
 * {@link MissingReferenceError} names every one by its file key.
 * @returns the resources by plan name (`vm:worker-0`, `pkg:worker-0/luasocket`, …)
 */
export function deployEnvironment(spec: EnvironmentSpec, options: DeployEnvironmentOptions = {}): Map<string, EnvironmentResource> {
  const file = options.file ?? "environment file";
  const missing = missingReferences(spec, options);
  if (missing.length > 0) {
    throw new MissingReferenceError(`${file}: ${missing.length} reference(s) without a value:\n${missing.map((m) => `${file}: ${m.path}: ${m.message}`).join("\n")}`);
  }
  const resources = new Map<string, EnvironmentResource>();
  for (const plan of planEnvironment(spec, options.lock)) {
    const dependsOn = plan.dependsOn.map((name) => planned(resources, name, plan.name));
    resources.set(plan.name, declare(plan, { ...options, resources, report: reportToEngine }, { ...options.resourceOptions, dependsOn }));
  }
  return resources;
}

/** Path notes go to the engine's diagnostics (shown by preview and up); a warning stays a warning. */
function reportToEngine(level: "info" | "warn", message: string): void {
  void (level === "warn" ? pulumi.log.warn(message) : pulumi.log.info(message));
}

function planned(resources: ReadonlyMap<string, EnvironmentResource>, name: string, dependent: string): EnvironmentResource {
  const resource = resources.get(name);
  if (!resource) throw new Error(`${dependent}: depends on ${name}, which is not planned before it`);
  return resource;
}

/** The resource of one plan entry; its args are typed by kind, so a plan that drifts from a resource's inputs does not compile. */
function declare(plan: ResourcePlan, context: ResolveContext, opts: pulumi.CustomResourceOptions): EnvironmentResource {
  switch (plan.kind) {
    case "VmNetwork":
      return new VmNetwork(plan.name, resolveArgs(plan, context), opts);
    case "LocalLua":
      return new LocalLua(plan.name, { ...resolveArgs(plan, context), ...(context.projectDir ? { projectDir: context.projectDir } : {}) }, opts);
    case "XcpngLuaVM":
      return new XcpngLuaVM(plan.name, resolveArgs(plan, context), opts);
    case "LuaPackage":
      return new LuaPackage(plan.name, resolveArgs(plan, context), opts);
  }
}
