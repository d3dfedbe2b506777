import * as pulumi from "@pulumi/pulumi";
// Outside this repository: import { LuaPackage, VmNetwork, XcpngLuaVM, type XcpngLuaVmCloudInitArgs, type XcpngLuaVmSshArgs } from "bioxen-luavm/provider";
import { LuaPackage, VmNetwork, XcpngLuaVM, type XcpngLuaVmCloudInitArgs, type XcpngLuaVmSshArgs } from "../../provider";
import { WORKLOAD_PACKAGE } from "../pulumi-local/program";

/** What the cluster stack needs. The pool connection comes from the `bioxen:xapi*` stack config. */
export interface ClusterStackSettings {
  /** Template uuid or unique name_label the workers are cloned from. */
  template: pulumi.Input<string>;
  /** Network of each worker's first VIF (its SSH address), e.g. the pool's management network. */
  managementNetwork: pulumi.Input<string>;
  /** LuaRocks server holding bioxen-seq, reachable from the workers. */
  rocksServer: pulumi.Input<string>;
  /** Number of workers (default 3). */
  size?: number;
  /** name_label of the private network joining the workers (default "bioxen-lab"). */
  labNetworkName?: pulumi.Input<string>;
  /** Guest login; default the `bioxen:sshUser` / `bioxen:sshPrivateKey` / `bioxen:sshPort` config. */
  ssh?: pulumi.Input<XcpngLuaVmSshArgs>;
  /** vCPUs per worker (default 1). */
  vcpus?: pulumi.Input<number>;
  /** Memory per worker in MiB (default 1024). */
  memoryMiB?: pulumi.Input<number>;
  /**
   * Each worker's identity through cloud-init (default `{}`: the login key is the public half of
   * the SSH key, each worker gets a host key pinned before its first boot; the template needs
   * cloud-init, docs/installation.md). `false` for a template with the key baked in.
   */
  cloudInit?: pulumi.Input<XcpngLuaVmCloudInitArgs> | false;
}

/** The resources of the cluster stack. */
export interface ClusterStack {
  /** `worker-0` … in order. */
  workers: XcpngLuaVM[];
  /** The private network attaching every worker. */
  lab: VmNetwork;
  /** bioxen-seq on each worker, same order. */
  packages: LuaPackage[];
}

/**
 * An XCP-ng cluster: `size` workers (XcpngLuaVM `worker-0` …) cloned from one template, each
 * given its login key and a pinned host key through cloud-init, joined by
 * a private network (VmNetwork `lab`, one extra VIF each), with bioxen-seq installed on each
 * (LuaPackage `bioxen-seq-<i>` on the worker's SSH target).
 */
export function clusterStack(settings: ClusterStackSettings): ClusterStack {
  const size = settings.size ?? 3;
  const workers = Array.from({ length: size }, (_, i) =>
    new XcpngLuaVM(`worker-${i}`, {
      template: settings.template,
      networks: [{ network: settings.managementNetwork }],
      ssh: settings.ssh,
      vcpus: settings.vcpus ?? 1,
      memoryMiB: settings.memoryMiB ?? 1024,
      tags: ["bioxen-example", "worker"],
      ...(settings.cloudInit === false ? {} : { cloudInit: settings.cloudInit ?? {} }),
    }),
  );
  const lab = new VmNetwork("lab", {
    name: settings.labNetworkName ?? "bioxen-lab",
    description: "Private network of the bioxen-luavm example cluster",
    attach: workers.map((worker) => ({ vmUuid: worker.vmUuid })),
  });
  const packages = workers.map(
    (worker, i) =>
      new LuaPackage(`bioxen-seq-${i}`, {
        target: worker.sshTarget,
        ...WORKLOAD_PACKAGE,
        servers: [settings.rocksServer],
      }),
  );
  return { workers, lab, packages };
}
