/**
 * The Pulumi programs of the acceptance scenarios, written the way a user writes them: the
 * resources from bioxen-luavm's provider, every VM named with the run's prefix, every input the
 * target decides (template, network, SR, SSH login, rocks server) taken from it.
 */
import * as pulumi from "@pulumi/pulumi";
import { LocalLua } from "../../provider/local-lua";
import { LuaPackage, type PackageTargetSpec } from "../../provider/lua-package";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM, type XcpngLuaVmArgs } from "../../provider/xcpng-lua-vm";
import type { Program } from "../support/engine";
import { namePrefix } from "./run-identity";
import { VERSIONED_ROCK, WORKLOAD_ROCK, type AcceptanceTarget } from "./target";

/** What a program needs from the run. */
export interface ProgramContext {
  target: AcceptanceTarget;
  runId: string;
}

/** The args of a VM on the target: cloned from its template onto its network, SSH as configured. */
export function vmArgs(ctx: ProgramContext, name: string, overrides: Partial<XcpngLuaVmArgs> = {}): XcpngLuaVmArgs {
  const { target } = ctx;
  const onSimulator = target.kind === "simulator";
  return {
    name: `${namePrefix(ctx.runId)}${name}`,
    template: target.template,
    ...(target.sr ? { sr: target.sr } : {}),
    memoryMiB: 512,
    networks: [{ network: target.network }],
    ssh: sshArgs(ctx),
    allowRestart: true,
    // The simulator's guests run this machine's lua5.4; a real template's interpreter is found.
    ...(onSimulator ? { luaInterpreter: "lua5.4", timeouts: { create: 120, ready: 120, delete: 60 } } : {}),
    ...overrides,
  };
}

/** The SSH login of the target's VMs, the private key as a secret; `hostKeyFingerprint` pins the host key. */
function sshArgs(ctx: ProgramContext, hostKeyFingerprint?: string): XcpngLuaVmArgs["ssh"] {
  const { ssh } = ctx.target;
  return { user: ssh.user, ...(ssh.port ? { port: ssh.port } : {}), privateKey: pulumi.secret(ssh.privateKey), ...(hostKeyFingerprint ? { hostKeyFingerprint } : {}) };
}

/** Package deadlines (seconds) for targets on this machine (the simulator's guests, LocalLua), which the rest of the suite loads. */
const THIS_MACHINE_PACKAGE_TIMEOUTS = { read: 120 };

/** A package on a VM, from the target's rocks server. */
function vmPackage(ctx: ProgramContext, name: string, vm: XcpngLuaVM, rock: string, version?: string): LuaPackage {
  return new LuaPackage(name, {
    target: vm.sshTarget.apply((t) => t as PackageTargetSpec),
    name: rock,
    ...(version ? { version } : {}),
    servers: [ctx.target.rocksServer],
    // The simulator's guests share this machine with the rest of the suite: a refresh under load
    // may take longer than the 20 s a real host gets by default.
    ...(ctx.target.kind === "simulator" ? { luaVersion: "5.4", timeouts: THIS_MACHINE_PACKAGE_TIMEOUTS } : {}),
  });
}

/** How the lifecycle stack varies between ups. */
export interface LifecycleShape {
  alphaVersion: string;
  vmBTags: string[];
}

/** Resource names of the lifecycle stack. */
export const LIFECYCLE = { vms: ["life-a", "life-b"], network: "life-lab", vmPackage: "life-alpha", local: "life-lua", localPackage: "life-local-alpha" } as const;

/** Two VMs on a private network, a package on one, LocalLua with a package on this machine. */
export function lifecycleProgram(ctx: ProgramContext, shape: LifecycleShape): Program {
  return () => {
    const [a, b] = [new XcpngLuaVM(LIFECYCLE.vms[0], vmArgs(ctx, LIFECYCLE.vms[0])), new XcpngLuaVM(LIFECYCLE.vms[1], vmArgs(ctx, LIFECYCLE.vms[1], { tags: shape.vmBTags }))];
    new VmNetwork(LIFECYCLE.network, { name: `${namePrefix(ctx.runId)}${LIFECYCLE.network}`, attach: [a, b].map((vm) => ({ vmUuid: vm.vmUuid })) });
    vmPackage(ctx, LIFECYCLE.vmPackage, a, VERSIONED_ROCK.name, shape.alphaVersion);
    const local = new LocalLua(LIFECYCLE.local, {});
    new LuaPackage(LIFECYCLE.localPackage, { target: local.target, name: VERSIONED_ROCK.name, version: shape.alphaVersion, servers: [ctx.target.rocksServer], timeouts: THIS_MACHINE_PACKAGE_TIMEOUTS });
  };
}

/** One VM whose clone mode the replace scenario changes (a replacing input). */
export function replaceProgram(ctx: ProgramContext, cloneMode: "clone" | "copy"): Program {
  return () => {
    new XcpngLuaVM("swap", vmArgs(ctx, "swap", { cloneMode }));
  };
}

/** One resource adopting an existing VM, its host key pinned. */
export function adoptProgram(ctx: ProgramContext, vmUuid: string, hostKeyFingerprint: string): Program {
  return () => {
    const { template, ...args } = vmArgs(ctx, "adopted", { adopt: vmUuid, ssh: sshArgs(ctx, hostKeyFingerprint) });
    new XcpngLuaVM("adopted", args);
  };
}

/** A VM with the FASTA workload's rock. */
export function workloadProgram(ctx: ProgramContext): Program {
  return () => {
    const vm = new XcpngLuaVM("fasta", vmArgs(ctx, "fasta"));
    vmPackage(ctx, "fasta-seq", vm, WORKLOAD_ROCK);
  };
}
