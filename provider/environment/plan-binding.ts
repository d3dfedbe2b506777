/**
 * Binds the SDK's plan types (sdk/env/plan.ts, which cannot see Pulumi) to the resources: which
 * class and args type each kind becomes, what a plan entry's args are once resolved, and the
 * compile-time check that the two agree — a planned input (at any depth) the resource's args lack
 * or type differently, or a referenced output the class lacks, makes {@link ResolvedArgs} a type no
 * resource accepts, so deploy.ts stops compiling.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OutputRef, PlannedArgs, PlannedOutputs, ResourceKind, SecretRef } from "../../sdk/env";
import type { LocalLua, LocalLuaArgs } from "../local-lua";
import type { LuaPackage, LuaPackageArgs } from "../lua-package";
import type { VmNetwork, VmNetworkArgs } from "../vm-network";
import type { XcpngLuaVM, XcpngLuaVmArgs } from "../xcpng-lua-vm";

/** The resource class and args type each plan kind is declared as. */
export interface PlannedResources {
  VmNetwork: { resource: VmNetwork; args: VmNetworkArgs };
  LocalLua: { resource: LocalLua; args: LocalLuaArgs };
  XcpngLuaVM: { resource: XcpngLuaVM; args: XcpngLuaVmArgs };
  LuaPackage: { resource: LuaPackage; args: LuaPackageArgs };
}

/** A table shaped like {@link PlannedResources} (tests pass drifted ones). */
export type ResourceTable = Record<ResourceKind, { resource: object }>;

/** Marks an output the plan references that the resource class does not have. */
export interface NotAnOutput<O> {
  readonly notAnOutputOfTheResource: O;
}

/** The kind(s) whose planned output is named `O`. */
type KindWithOutput<O> = { [K in ResourceKind]: O extends PlannedOutputs[K] ? K : never }[ResourceKind];

/** What an output reference resolves to: the referenced resource's output. */
type OutputOf<O, R extends ResourceTable> = {
  [K in KindWithOutput<O>]: O extends keyof R[K]["resource"] ? R[K]["resource"][O] : NotAnOutput<O>;
}[KindWithOutput<O>];

/** A plan value once resolved: `{config}`/`{env}` become inputs, `{ref, output}` the referenced output, at any depth. */
export type Resolved<T, R extends ResourceTable = PlannedResources> = T extends SecretRef
  ? pulumi.Input<string>
  : T extends OutputRef
    ? OutputOf<T["output"], R>
    : T extends readonly (infer E)[]
      ? Resolved<E, R>[]
      : T extends object
        ? { [K in keyof T]: Resolved<T[K], R> }
        : T;

type ObjectPart<A> = Exclude<Extract<A, object>, readonly unknown[]>;
type ElementOf<A> = A extends readonly (infer E)[] ? E : never;

/**
 * For plan args `P` and unwrapped resource args `A`: `P` with every key `A` lacks typed `never`
 * and every value typed as `A` takes it (references as what they resolve to). `P` is assignable
 * to it exactly when every planned input is an input of `A` accepting the planned value.
 */
type Fitted<P, A, R extends ResourceTable> = P extends SecretRef | OutputRef
  ? [pulumi.Unwrap<Resolved<P, R>>] extends [A]
    ? P
    : never
  : P extends readonly (infer E)[]
    ? Fitted<E, ElementOf<A>, R>[]
    : P extends object
      ? { [K in keyof P]: K extends keyof ObjectPart<A> ? Fitted<P[K], ObjectPart<A>[K], R> : never }
      : A;

/** True when every input the plan args `P` name, at any depth, is an input of the resource args `A` that accepts the planned value. */
export type PlanFits<P, A, R extends ResourceTable = PlannedResources> = [P] extends [Fitted<P, pulumi.Unwrap<A>, R>] ? true : false;

/** The message type a drifted plan entry's args get: no resource accepts it. */
export type PlanDrift<K extends string> = `the plan's ${K} inputs are not the resource's: see provider/environment/plan-binding.ts`;

/** The resolved args of a plan entry with args `P` for a resource with args `A`: `Resolved<P>` when the plan fits `A`, else {@link PlanDrift}. */
export type ArgsIfFits<P, A, K extends string, R extends ResourceTable = PlannedResources> = PlanFits<P, A, R> extends true ? Resolved<P, R> : PlanDrift<K>;

/** The resolved args of a plan entry of kind `K`, ready for its resource's constructor. */
export type ResolvedArgs<K extends ResourceKind> = ArgsIfFits<PlannedArgs[K], PlannedResources[K]["args"], K>;
