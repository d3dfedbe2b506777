/** What went wrong, in a form callers can branch on. */
export type SshErrorCode =
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
export class SshError extends Error {
  override readonly name = "SshError";
  /** Machine-readable reason. */
  readonly code: SshErrorCode;
  /** The target, e.g. "ssh://root@10.0.0.5:22". */
  readonly target: string;

  constructor(code: SshErrorCode, target: string, message: string, options?: { cause?: unknown }) {
    super(`${target}: ${message}`, options);
    this.code = code;
    this.target = target;
  }
}
