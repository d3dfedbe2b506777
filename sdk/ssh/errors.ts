import { BioxenError } from "../base/errors";

/** What went wrong, in a form callers can branch on (`SshError.reason`). */
export type SshErrorReason =
  | "HOST_KEY_MISMATCH"
  | "HOST_KEY_UNKNOWN"
  | "HOST_KEY_REVOKED"
  | "AUTH_FAILED"
  | "KEY_INVALID"
  | "UNREACHABLE"
  | "ABORTED"
  | "TIMEOUT"
  | "CHANNEL"
  | "SFTP"
  | "INVALID_ARGUMENT"
  | "CLOSED";

/** The one error type of sdk/ssh. Messages name the target and never contain keys or passwords. */
export class SshError extends BioxenError {
  override readonly name = "SshError";
  /** `BIOXEN_TIMEOUT` or `BIOXEN_ABORTED` for a timeout or abort, else `BIOXEN_SSH`. */
  readonly code: "BIOXEN_SSH" | "BIOXEN_TIMEOUT" | "BIOXEN_ABORTED";
  /** Machine-readable reason. */
  readonly reason: SshErrorReason;
  /** The target, e.g. "ssh://root@10.0.0.5:22". */
  readonly target: string;

  constructor(reason: SshErrorReason, target: string, message: string, options?: { cause?: unknown }) {
    super(`${target}: ${message}`, options);
    this.reason = reason;
    this.code = reason === "TIMEOUT" ? "BIOXEN_TIMEOUT" : reason === "ABORTED" ? "BIOXEN_ABORTED" : "BIOXEN_SSH";
    this.target = target;
  }
}
