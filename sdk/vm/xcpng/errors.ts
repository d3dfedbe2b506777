/** The error of a lifecycle step that left a VM behind on purpose (so the caller keeps its id). */
import { BioxenError } from "../../base/errors";
import type { XcpngLuaVmState } from "./types";

/**
 * A lifecycle step failed after the VM existed and the VM was kept (e.g. it booted but SSH or
 * Lua did not come up in time): `vmUuid` and `state` describe what exists, so a caller can
 * record it and retry. Failures that were rolled back are thrown as the underlying error.
 */
export class XcpngLuaVmError extends BioxenError {
  override readonly name = "XcpngLuaVmError";
  readonly code = "BIOXEN_VM_KEPT" as const;
  /**
   * @param step the step that failed
   * @param vmUuid the VM that was kept
   * @param state what the VM looked like after the failure
   * @param cause the underlying error
   */
  constructor(
    readonly step: string,
    readonly vmUuid: string,
    readonly state: XcpngLuaVmState,
    cause: unknown,
  ) {
    super(`${step} (VM ${vmUuid}) failed: ${cause instanceof Error ? cause.message : String(cause)} — the VM was kept; fix the cause and retry (the next run continues from it)`, { cause });
  }
}
