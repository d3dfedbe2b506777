/**
 * The whole-stack Pulumi program of the acceptance test: three XcpngLuaVMs, one VmNetwork
 * attaching them, one LocalLua and six LuaPackages (four on VMs, two local; c-pool on the
 * restarting vm-c only while the shape asks for it).
 *
 * The VMs keep device 0 (SSH) on the management network and the VmNetwork attaches them through
 * its `attach` input rather than the VMs' `networks`: the data then flows VM → network, so a
 * preview shows the network checked with unknown VM uuids, and the test exercises the resource
 * whose job is hot-plugging VIFs into running VMs (and that a VM update leaves them alone).
 *
 * vm-c, whose memory change halts and starts it, carries a package while `packageOnVmC` is set:
 * the restart may give it a new address (the test expires its lease so it does), and the package
 * must follow its VM (update in place, delete at the new address) rather than be replaced.
 */
import * as pulumi from "@pulumi/pulumi";
import { LocalLua } from "../../provider/local-lua";
import { LuaPackage, type PackageTargetSpec } from "../../provider/lua-package";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import type { Program } from "../support/engine";

/** What the test varies between runs. */
export interface StackShape {
  /** Memory of vm-c, MiB. */
  vmCMemoryMiB: number;
  /** Exact version of alpha on vm-a. */
  alphaOnVmA: string;
  /** Whether c-pool (bx-pool-02) is on vm-c. */
  packageOnVmC: boolean;
}

/** What the program needs from the test's environment. */
export interface StackEnvironment {
  /** The rocks server every package installs from. */
  rocksServer: string;
  /** Guest login user and sshd port. */
  sshUser: string;
  sshPort: number;
  /** The key pair's private half the guests accept (passed as a Pulumi secret). */
  privateKey: string;
}

/** Resource names in the program, for assertions. */
export const VMS = ["vm-a", "vm-b", "vm-c"] as const;

/** Builds the program for one shape. */
export function stackProgram(env: StackEnvironment, shape: StackShape): Program {
  return () => {
    const ssh = { user: env.sshUser, port: env.sshPort, privateKey: pulumi.secret(env.privateKey) };
    const vm = (name: string, memoryMiB: number) =>
      new XcpngLuaVM(name, {
        template: TEMPLATES.cloneReady,
        memoryMiB,
        allowRestart: true,
        networks: [{ network: SEEDED.managementNetwork }],
        ssh,
        luaInterpreter: "lua5.4",
        timeouts: { create: 60, ready: 60, delete: 30 },
      });
    const [vmA, vmB, vmC] = [vm("vm-a", 256), vm("vm-b", 256), vm("vm-c", shape.vmCMemoryMiB)];
    new VmNetwork("lab", { name: "stack-lab", attach: [vmA, vmB, vmC].map((v) => ({ vmUuid: v.vmUuid })), timeouts: { create: 60, ready: 60, delete: 30 } });

    const servers = [env.rocksServer];
    const onVm = (v: XcpngLuaVM) => v.sshTarget.apply((t) => t as PackageTargetSpec);
    new LuaPackage("a-alpha", { target: onVm(vmA), name: "alpha", version: shape.alphaOnVmA, servers, luaVersion: "5.4" });
    new LuaPackage("a-pool", { target: onVm(vmA), name: "bx-pool-01", servers, luaVersion: "5.4" });
    new LuaPackage("b-pool", { target: onVm(vmB), name: "bx-pool-02", servers, luaVersion: "5.4" });
    if (shape.packageOnVmC) new LuaPackage("c-pool", { target: onVm(vmC), name: "bx-pool-02", servers, luaVersion: "5.4" });

    const local = new LocalLua("lua", { interpreter: "lua5.4" });
    const localAlpha = new LuaPackage("local-alpha", { target: local.target, name: "alpha", constraint: "< 2", servers });
    new LuaPackage("local-beta", { target: local.target, name: "beta", servers }, { dependsOn: [localAlpha] });
  };
}
