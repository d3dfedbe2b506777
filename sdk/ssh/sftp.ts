import type { SFTPWrapper } from "ssh2";
import { SshError } from "./errors";
import type { PooledConnection } from "./pool";

/** Writes a file over SFTP (one SFTP channel per call); `mode` is applied even if the file existed. */
export async function writeFileOverSftp(connection: PooledConnection, path: string, content: string | Buffer, mode: number | undefined, target: string): Promise<void> {
  const { channel: sftp, lease } = await connection.openChannel<SFTPWrapper>((client, cb) => client.sftp(cb), "an SFTP channel");
  try {
    await call((done) => sftp.writeFile(path, content, mode === undefined ? {} : { mode }, done), "write", path, target);
    if (mode !== undefined) await call((done) => sftp.chmod(path, mode, done), "chmod", path, target);
  } finally {
    await endChannel(sftp);
    lease.release();
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

function call(run: (done: (err: Error | null | undefined) => void) => void, step: string, path: string, target: string): Promise<void> {
  return new Promise((resolve, reject) =>
    run((err) => (err ? reject(new SshError("SFTP", target, `SFTP ${step} of ${path} failed: ${err.message}`, { cause: err })) : resolve())),
  );
}
