/**
 * The load test's Pulumi program: `vmCount` XcpngLuaVMs (device 0 on the management network),
 * two VmNetworks that attach every other VM each, and three LuaPackages on every VM.
 */
import * as pulumi from "@pulumi/pulumi";
import { LuaPackage, type PackageTargetSpec } from "../../provider/lua-package";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import type { Program } from "../support/engine";
import type { StackEnvironment } from "../stack/stack-program";

/** The rocks each VM gets: independent of each other, so deletes may run in any order. */
export const LOAD_ROCKS = ["bx-pool-01", "bx-pool-02", "bx-pool-03"] as const;
/** The networks' resource names. */
export const LOAD_NETWORKS = ["net-even", "net-odd"] as const;

const TIMEOUTS = { create: 240, ready: 240, delete: 120 };
/**
 * The packages' reads run all at once in a refresh (as the engine reads): 90 `luarocks list` over
 * SSH on a loaded 2-core CI machine exceed the 20 s default read timeout.
 */
const PACKAGE_TIMEOUTS = { read: 120 };

/** The program: `vmCount` VMs named vm-00 …, two networks, three packages per VM. */
export function loadProgram(env: StackEnvironment, vmCount: number): Program {
  return () => {
    const ssh = { user: env.sshUser, port: env.sshPort, privateKey: pulumi.secret(env.privateKey) };
    const vms = Array.from({ length: vmCount }, (_, i) =>
      new XcpngLuaVM(vmName(i), {
        template: TEMPLATES.cloneReady,
        memoryMiB: 256,
        networks: [{ network: SEEDED.managementNetwork }],
        ssh,
        luaInterpreter: "lua5.4",
        timeouts: TIMEOUTS,
      }),
    );
    LOAD_NETWORKS.forEach((name, parity) => {
      const attached = vms.filter((_, i) => i % 2 === parity);
      new VmNetwork(name, { name: `load-${name}`, attach: attached.map((vm) => ({ vmUuid: vm.vmUuid })), timeouts: TIMEOUTS });
    });
    const servers = [env.rocksServer];
    vms.forEach((vm, i) => {
      const target = vm.sshTarget.apply((t) => t as PackageTargetSpec);
      for (const rock of LOAD_ROCKS) new LuaPackage(`${vmName(i)}-${rock}`, { target, name: rock, servers, luaVersion: "5.4", timeouts: PACKAGE_TIMEOUTS });
    });
  };
}

/** The resource name of VM `i`. */
export function vmName(i: number): string {
  return `vm-${String(i).padStart(2, "0")}`;
}
