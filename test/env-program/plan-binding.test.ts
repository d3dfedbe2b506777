/**
 * Type-level tests (checked by `npm run typecheck`; the `it` bodies do nothing at run time): the
 * plan's args agree with the resources' args, and a drift on either side — an input renamed at
 * the top or inside an object, a value of another type, a referenced output renamed — makes the
 * plan no longer fit, so deploy.ts cannot pass it to the resource.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { LuaPackageArgs, LocalLuaArgs, VmNetworkArgs, XcpngLuaVM, XcpngLuaVmArgs, XcpngLuaVmSshArgs } from "../../provider";
import type { ArgsIfFits, PlanFits, PlannedResources, ResolvedArgs } from "../../provider/environment/plan-binding";
import type { PlannedArgs, XcpngLuaVmPlanArgs } from "../../sdk/env";

/** `T` with key `From` renamed `To` (kept optional). */
type Renamed<T, From extends keyof T, To extends string> = Omit<T, From> & { [K in To]?: T[From] };

describe("the environment plan's types bind to the resources' args", () => {
  it("every kind's planned args fit its resource", () => {
    expectTypeOf<PlanFits<PlannedArgs["VmNetwork"], VmNetworkArgs>>().toEqualTypeOf<true>();
    expectTypeOf<PlanFits<PlannedArgs["LocalLua"], LocalLuaArgs>>().toEqualTypeOf<true>();
    expectTypeOf<PlanFits<PlannedArgs["XcpngLuaVM"], XcpngLuaVmArgs>>().toEqualTypeOf<true>();
    expectTypeOf<PlanFits<PlannedArgs["LuaPackage"], LuaPackageArgs>>().toEqualTypeOf<true>();
    expectTypeOf<ResolvedArgs<"XcpngLuaVM">>().toMatchTypeOf<XcpngLuaVmArgs>();
    expectTypeOf<ResolvedArgs<"LuaPackage">>().toMatchTypeOf<LuaPackageArgs>();
  });

  it("a resource input renamed (top level or nested) or retyped no longer fits", () => {
    expectTypeOf<PlanFits<PlannedArgs["XcpngLuaVM"], Renamed<XcpngLuaVmArgs, "memoryMiB", "memoryMb">>>().toEqualTypeOf<false>();
    expectTypeOf<PlanFits<PlannedArgs["XcpngLuaVM"], Omit<XcpngLuaVmArgs, "ssh"> & { ssh?: Renamed<XcpngLuaVmSshArgs, "user", "login"> }>>().toEqualTypeOf<false>();
    expectTypeOf<PlanFits<PlannedArgs["VmNetwork"], Omit<VmNetworkArgs, "mtu"> & { mtu?: string }>>().toEqualTypeOf<false>();
    expectTypeOf<PlanFits<PlannedArgs["LocalLua"], Renamed<LocalLuaArgs, "tree", "treeDir">>>().toEqualTypeOf<false>();
  });

  it("a planned input renamed no longer fits", () => {
    expectTypeOf<PlanFits<Renamed<PlannedArgs["LuaPackage"], "constraint", "versionConstraint">, LuaPackageArgs>>().toEqualTypeOf<false>();
    type VifRenamed = Omit<XcpngLuaVmPlanArgs, "networks"> & { networks: { network: string; cidr?: string }[] };
    expectTypeOf<PlanFits<VifRenamed, XcpngLuaVmArgs>>().toEqualTypeOf<false>();
  });

  it("an output the plan references, renamed on the resource, no longer fits", () => {
    type WithoutSshTarget = Omit<PlannedResources, "XcpngLuaVM"> & { XcpngLuaVM: { resource: Omit<XcpngLuaVM, "sshTarget">; args: XcpngLuaVmArgs } };
    expectTypeOf<PlanFits<PlannedArgs["LuaPackage"], LuaPackageArgs, WithoutSshTarget>>().toEqualTypeOf<false>();
  });

  it("drifted args cannot be passed to the resource", () => {
    const declareDrifted = (args: ArgsIfFits<PlannedArgs["XcpngLuaVM"], Renamed<XcpngLuaVmArgs, "vcpus", "cpus">, "XcpngLuaVM">): XcpngLuaVmArgs =>
      // @ts-expect-error the plan names `vcpus`, the (drifted) resource `cpus`
      args;
    const declareFitting = (args: ResolvedArgs<"XcpngLuaVM">): XcpngLuaVmArgs => args;
    expectTypeOf(declareDrifted).returns.toEqualTypeOf<XcpngLuaVmArgs>();
    expectTypeOf(declareFitting).parameter(0).toMatchTypeOf<XcpngLuaVmArgs>();
  });
});
