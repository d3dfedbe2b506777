/**
 * The stack the attack suite attacks: one XcpngLuaVM and one VmNetwork attaching it — the two
 * resources whose create, update and delete call XAPI (LuaPackage and LocalLua call none). The
 * update changes the VM's memory (halt + start) and the network's name, so both resources update.
 */
import { VmNetwork } from "../../../provider/vm-network";
import { XcpngLuaVM } from "../../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../../sim";
import type { Engine, Program } from "../../support/engine";
import { simEngine } from "../../support/engine-suite";
import type { XcpngSim } from "../../provider/support/xcpng-sim";

/** The XAPI password every attack simulator uses (a secret the scan looks for). */
export const ATTACK_PASSWORD = "attack-xapi-secret-6d02b9";

/** Which declared state: `first` (create) or `changed` (update). */
export type StackShape = "first" | "changed";

/**
 * Phase timeouts (seconds) of both resources: short, so a stalled call runs past them quickly, but
 * not so short that a healthy create misses them on a loaded 2-core machine (at 6 s, a VM start
 * queued behind the load test's 30 guests once took the whole remaining 4 s).
 */
export const PHASE_TIMEOUT_S = 10;

/**
 * The attack simulator's database GC: sessions end after 20 s without a call (xapi: 24 h), so a
 * killed provider host's session, which it could not log out, is seen to end. Longer than any
 * pause between the calls of a live session here (phase timeouts are 10 s; the client logs in
 * again on SESSION_INVALID anyway).
 */
export const ATTACK_DATABASE_GC = { inactiveSessionTimeoutMs: 20_000, intervalMs: 500 };

/** The program for one shape. */
export function attackProgram(env: XcpngSim, shape: StackShape): Program {
  return () => {
    const timeouts = { create: PHASE_TIMEOUT_S, ready: PHASE_TIMEOUT_S, delete: PHASE_TIMEOUT_S };
    const vm = new XcpngLuaVM("vm", {
      template: TEMPLATES.cloneReady,
      memoryMiB: shape === "first" ? 256 : 384,
      allowRestart: true,
      networks: [{ network: SEEDED.managementNetwork }],
      ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private },
      luaInterpreter: "lua5.4",
      timeouts,
    });
    new VmNetwork("net", { name: shape === "first" ? "attack-net" : "attack-net-renamed", attach: [{ vmUuid: vm.vmUuid }], timeouts });
  };
}

/** A fresh engine (empty state) against `env`'s simulator. */
export function attackEngine(env: XcpngSim, programDir: string, stack: string, signal?: AbortSignal): Engine {
  return simEngine(env.sim, {
    ...(signal ? { signal } : {}),
    project: "attack",
    stack,
    config: { "bioxen:sessionIdleMs": "0" },
    programDir,
    host: { callTimeoutMs: 60_000 },
  });
}
