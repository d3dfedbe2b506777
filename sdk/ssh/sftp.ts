import type { SFTPWrapper } from "ssh2";
import { remainingOf } from "../base/deadline";
import { timeoutController } from "../base/timeout-signal";
import type { WriteFileOptions } from "../target/types";
import { SshError } from "./errors";
import type { PooledConnection } from "./pool";

/**
 * Writes a file over SFTP (one SFTP channel per call); `mode` is applied even if the file existed.
 * The deadline (the caller's; sshTarget's writeFile defaults it to 60 s) counts from the call and covers connecting, opening the channel,
 * writing and chmod; past it the call rejects with SshError reason "TIMEOUT", on abort with "ABORTED".
 * @param connect returns the pooled connection, giving up when the signal aborts
 */
export async function writeFileOverSftp(
  connect: (signal: AbortSignal) => Promise<PooledConnection>,
  path: string,
  content: string | Buffer,
  options: WriteFileOptions & Required<Pick<WriteFileOptions, "deadline">>,
  target: string,
): Promise<void> {
  const { mode, signal, deadline: given } = options;
  const timeoutMs = remainingOf(given, `${target}: writing ${path}`)!;
  if (signal?.aborted) throw new SshError("ABORTED", target, `writing ${path} was aborted`, { cause: signal.reason });
  const timer = timeoutController(timeoutMs, signal);
  const deadline = timer.signal;
  try {
    const connection = await connect(deadline);
    const { channel: sftp, lease } = await connection.openChannel<SFTPWrapper>((client, cb) => client.sftp(cb), "an SFTP channel", {
      signal: deadline,
      openTimeoutMs: timeoutMs,
      discard: (late) => late.end(),
    });
    let closed = false;
    sftp.once("close", () => (closed = true));
    try {
      await call((done) => sftp.writeFile(path, content, mode === undefined ? {} : { mode }, done), "write", path, target, deadline);
      if (mode !== undefined) await call((done) => sftp.chmod(path, mode, done), "chmod", path, target, deadline);
    } finally {
      if (closed) {
        lease.release();
      } else if (deadline.aborted) {
        // Do not wait for a server that stalls: the slot is freed once it closes the channel.
        sftp.once("close", () => lease.release());
        sftp.end();
      } else {
        await endChannel(sftp);
        lease.release();
      }
    }
  } catch (err) {
    if (signal?.aborted) throw new SshError("ABORTED", target, `writing ${path} was aborted`, { cause: signal.reason });
    if (deadline.aborted) throw new SshError("TIMEOUT", target, `writing ${path} did not finish within ${timeoutMs} ms`, { cause: err });
    throw err;
  } finally {
    timer.clear();
  }
}

/** Ends the SFTP channel and waits (briefly) until the server has closed it, so its slot is really free. */
function endChannel(sftp: SFTPWrapper): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    timer.unref();
    sftp.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    sftp.end();
  });
}

/** One SFTP request; rejects with an SFTP error, or at once when `signal` aborts (the request is abandoned). */
function call(run: (done: (err: Error | null | undefined) => void) => void, step: string, path: string, target: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    run((err) => {
      signal.removeEventListener("abort", onAbort);
      if (err) reject(new SshError("SFTP", target, `SFTP ${step} of ${path} failed: ${err.message}`, { cause: err }));
      else resolve();
    });
  });
}
