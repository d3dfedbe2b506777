/**
 * The phases of bringing a VM up, each with its own limit (`XcpngPhaseTimeouts`, inside the
 * create / ready budgets) and its own timeout error naming the phase and what to check.
 */
import { WaitError, isTimeout } from "../../base/errors";

/** A phase of create/update with a limit of its own. */
export type XcpngPhase = "clone" | "start" | "address" | "ssh" | "lua";

/** What to check when a phase runs out of time. */
const CHECKS: Record<XcpngPhase, string> = {
  clone: "check the SR's free space and the pool's tasks (xe task-list); a full copy (cloneMode: copy) takes much longer than a clone",
  start: "check the host's free memory and the pool's tasks (xe task-list)",
  address: "check that the template runs the guest tools (xe-guest-utilities) and that DHCP answers on the VM's networks (or expectedCidr matches)",
  ssh: "check that sshd runs in the guest on the configured port, that no firewall blocks it and that the host key is the pinned one",
  lua: "check the template's Lua: the interpreter (luaInterpreter) must be installed and start",
};

/** A phase ran out of time (its own limit, or the create / ready budget it is part of). */
export class XcpngPhaseTimeoutError extends WaitError {
  override readonly name = "XcpngPhaseTimeoutError";
  /**
   * @param phase the phase that ran out of time
   * @param waitedMs how long it ran
   * @param limitMs the phase's own limit, when one was set
   * @param cause the timeout underneath
   */
  constructor(
    readonly phase: XcpngPhase,
    waitedMs: number,
    readonly limitMs: number | undefined,
    cause: unknown,
  ) {
    const limit = limitMs !== undefined ? `timeouts.${phase} = ${Math.round(limitMs / 1000)} s` : "the overall create/ready timeout";
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    super(`phase "${phase}"`, "timeout", waitedMs, { cause, message: `phase "${phase}" timed out after ${Math.round(waitedMs / 1000)} s (${limit}) — ${CHECKS[phase]}${detail}` });
  }
}

/**
 * Runs one phase with the deadline min(`overallDeadline`, now + `limitMs`) (absolute ms); a
 * timeout inside it — or any failure at its deadline — becomes an {@link XcpngPhaseTimeoutError}.
 */
export async function inPhase<T>(phase: XcpngPhase, limitMs: number | undefined, overallDeadline: number, run: (deadline: number) => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  const deadline = limitMs === undefined ? overallDeadline : Math.min(overallDeadline, startedAt + limitMs);
  try {
    return await run(deadline);
  } catch (error) {
    if (error instanceof XcpngPhaseTimeoutError || !(timedOut(error) || Date.now() >= deadline)) throw error;
    throw new XcpngPhaseTimeoutError(phase, Date.now() - startedAt, limitMs !== undefined && startedAt + limitMs <= overallDeadline ? limitMs : undefined, error);
  }
}

/** A timeout anywhere in the cause chain (recipes wrap the wait's error). */
function timedOut(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e != null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isTimeout(e) || (e as { reason?: unknown })?.reason === "timeout") return true;
  }
  return false;
}
