import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";

/** What one run of the system ssh/sftp client produced. */
export interface ClientRun {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** A client key pair made with ssh-keygen, and a known_hosts file the tests fill in. */
export interface SshClient {
  dir: string;
  publicKey: string;
  /** Runs `command` on user@address:port with strict host key checking against `knownHosts`. */
  run(address: string, port: number, knownHosts: string, command: string, stdin?: string): Promise<ClientRun>;
  /** Starts `command` like run() and returns the ssh process (stdin is given, then closed). */
  spawn(address: string, port: number, knownHosts: string, command: string, stdin: string): Promise<ChildProcess>;
  /** Runs an sftp batch (`sftp -b -`) against address:port. */
  sftp(address: string, port: number, knownHosts: string, batch: string): Promise<ClientRun>;
  remove(): Promise<void>;
}

function runTool(file: string, args: string[], stdin = ""): Promise<ClientRun> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: 30_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ stdout, stderr, code });
    });
    writeAndClose(child, stdin);
  });
}

/** Gives a child its stdin; a child that exits first (a refused login) must not fail the run with EPIPE. */
function writeAndClose(child: ChildProcess, stdin: string): void {
  child.stdin!.on("error", () => undefined);
  child.stdin!.end(stdin);
}

/** Makes a fresh ed25519 client key in a temp dir. */
export async function makeSshClient(): Promise<SshClient> {
  const dir = await mkdtemp(path.join(tmpdir(), "bioxen-guest-client-"));
  const key = path.join(dir, "id_ed25519");
  await runTool("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "guest-test", "-f", key]);
  const publicKey = (await readFile(`${key}.pub`, "utf8")).trim();
  const user = userInfo().username; // guests log in as the OS user running the simulator
  let files = 0;
  const options = async (knownHosts: string, port: number) => {
    const knownHostsFile = path.join(dir, `known_hosts_${(files += 1)}`);
    await writeFile(knownHostsFile, knownHosts);
    return [
      "-i", key, "-p", String(port), "-F", "/dev/null",
      "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
      "-o", `UserKnownHostsFile=${knownHostsFile}`, "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "ConnectTimeout=10",
    ];
  };
  return {
    dir,
    publicKey,
    run: async (address, port, knownHosts, command, stdin) =>
      runTool("ssh", [...(await options(knownHosts, port)), `${user}@${address}`, command], stdin),
    spawn: async (address, port, knownHosts, command, stdin) => {
      const child = spawn("ssh", [...(await options(knownHosts, port)), `${user}@${address}`, command]);
      writeAndClose(child, stdin);
      return child;
    },
    sftp: async (address, port, knownHosts, batch) => {
      // sftp spells the port -P; ssh's -p means "preserve" to it.
      const args = (await options(knownHosts, port)).map((a) => (a === "-p" ? "-P" : a));
      return runTool("sftp", [...args, "-b", "-", `${user}@${address}`], batch);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
