/**
 * Waiting until a started VM is usable: every VIF has a guest address (event.from), SSH answers
 * with the expected host key, and the Lua interpreter runs. Host key trust: the pinned input
 * fingerprint, else the fingerprint recorded earlier, else trust-on-first-use — allowed only for
 * a VM this owner cloned — and the accepted key is recorded on the VM
 * (`other_config["bioxen:ssh-host-key"]`) so every later connection pins it.
 */
import type { XapiClient } from "../../xapi";
import { LuaRunner, type LuaVersionInfo } from "../../lua";
import { Deadline, Wait, withDeadline, type WaitOptions } from "../../base/deadline";
import { WaitError, type WaitEnd } from "../../base/errors";
import { sshTarget, type HostKeyPolicy, type SshTarget } from "../../ssh";
import { XapiRecipeError, waitForGuestAddresses } from "../../xapi/recipes";
import { inPhase } from "./phases";
import type { XcpngLuaVmSpec, XcpngPhaseTimeouts } from "./types";

/** `other_config` key recording the SSH host key accepted on first use. */
export const HOST_KEY_MARKER = "bioxen:ssh-host-key";

/** What a ready VM offers. */
export interface ReadyVm {
  addresses: Record<string, string>;
  hostKeyFingerprint: string;
  lua: LuaVersionInfo;
}

/** Options of {@link waitUntilReady}. */
export interface ReadyOptions {
  /** absolute `Date.now()` deadline */
  deadline: number;
  signal?: AbortSignal;
  /** fingerprint recorded earlier (state or VM marker) */
  recordedHostKey?: string;
  /** this owner cloned the VM: trust-on-first-use is allowed when nothing is pinned or recorded */
  mayTrustOnFirstUse: boolean;
  onProgress?: (message: string) => void;
  /** the address, ssh and lua phases' own limits (ms) */
  phases?: Pick<XcpngPhaseTimeouts, "address" | "ssh" | "lua">;
}

/** Waits for addresses, SSH and Lua (see the file comment). */
export async function waitUntilReady(client: XapiClient, vm: string, vmUuid: string, spec: XcpngLuaVmSpec, options: ReadyOptions): Promise<ReadyVm> {
  const devices = spec.networks.map((_, i) => String(i));
  const expectedCidr = Object.fromEntries(spec.networks.flatMap((n, i) => (n.expectedCidr ? [[String(i), n.expectedCidr]] : [])));
  options.onProgress?.(`VM ${vmUuid}: waiting for guest addresses on device ${devices.join(", ")}`);
  const addresses = await inPhase("address", options.phases?.address, options.deadline, (deadline) =>
    waitForGuestAddresses(client, vm, { devices, expectedCidr, deadline: Deadline.at(deadline), signal: options.signal }),
  );
  options.onProgress?.(`VM ${vmUuid}: waiting for SSH on ${addresses["0"]}:${spec.ssh.port}`);
  const { target, hostKeyFingerprint } = await inPhase("ssh", options.phases?.ssh, options.deadline, async (deadline) => {
    const target = guestTarget(vmUuid, addresses["0"]!, spec, { ...options, deadline });
    return { target, hostKeyFingerprint: await withDeadline(readyWait({ ...options, deadline }), `SSH on ${target.description}`, (signal) => target.hostKeyFingerprint({ signal }), readyError) };
  });
  const runner = new LuaRunner(target, spec.luaInterpreter ? { interpreter: spec.luaInterpreter } : {});
  // Recording the accepted host key (XAPI) and probing Lua (SSH) do not depend on each other: in
  // flight together. Both settle before this returns or throws, so the key is never written behind a failure report.
  const [recorded, probed] = await Promise.allSettled([
    options.recordedHostKey || spec.ssh.hostKeyFingerprint ? Promise.resolve() : recordHostKey(client, vm, hostKeyFingerprint),
    inPhase("lua", options.phases?.lua, options.deadline, (deadline) => {
      const luaWait = new Wait(readyWait({ ...options, deadline }), `Lua on ${target.description}`);
      return runner.version({ signal: luaWait.signal }).finally(() => luaWait.done());
    }),
  ]);
  if (recorded.status === "rejected") throw recorded.reason;
  if (probed.status === "rejected") throw probed.reason;
  const lua = probed.value;
  options.onProgress?.(`VM ${vmUuid}: ${lua.interpreter} ${lua.version} ready`);
  return { addresses, hostKeyFingerprint, lua };
}

/** Records the host key accepted on first use on the VM, so every later connection pins it. */
async function recordHostKey(client: XapiClient, vm: string, fingerprint: string): Promise<void> {
  await client.call("VM.remove_from_other_config", vm, HOST_KEY_MARKER);
  await client.call("VM.add_to_other_config", vm, HOST_KEY_MARKER, fingerprint);
}

/** The host key policy for a VM (see the file comment). */
export function hostKeyPolicy(vmUuid: string, spec: XcpngLuaVmSpec, recorded: string | undefined, mayTrustOnFirstUse: boolean): HostKeyPolicy {
  const pinned = spec.ssh.hostKeyFingerprint ?? recorded;
  if (pinned) return { fingerprint: pinned };
  if (mayTrustOnFirstUse) return { trustOnFirstUse: true };
  throw new XapiRecipeError(
    { step: "choose SSH host key trust", object: vmUuid, hint: "give ssh.hostKeyFingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the VM)" },
    "the VM was not created by this resource and no host key is pinned or recorded, so its key cannot be trusted",
  );
}

function guestTarget(vmUuid: string, address: string, spec: XcpngLuaVmSpec, options: ReadyOptions): SshTarget {
  return sshTarget({
    host: address,
    port: spec.ssh.port,
    username: spec.ssh.user,
    privateKey: spec.ssh.privateKey,
    hostKey: hostKeyPolicy(vmUuid, spec, options.recordedHostKey, options.mayTrustOnFirstUse),
    dialTimeoutMs: Math.max(1, options.deadline - Date.now()),
  });
}

function readyWait(options: ReadyOptions): WaitOptions {
  return { deadline: Deadline.at(Math.max(options.deadline, Date.now() + 1)), signal: options.signal };
}

function readyError(what: string, reason: WaitEnd, waitedMs: number, cause?: unknown): WaitError {
  const message = reason === "timeout" ? `${what} did not answer within the ready timeout` : `${what}: aborted`;
  return new WaitError(what, reason, waitedMs, { cause, message });
}
