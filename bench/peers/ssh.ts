/**
 * SSH against a real OpenSSH sshd on loopback (test/support/sshd.ts): sequential execs of `true`
 * through our pooled sshTarget (warm connection) vs
 *   - the OpenSSH client multiplexed over a ControlMaster, as Ansible runs it (one `ssh`
 *     process per command, the master's connection shared), and
 *   - a new ssh2 connection per command, as @pulumi/command's remote.Command does.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "ssh2";
import { closeAllSshConnections, sshTarget, type SshTarget } from "../../sdk/ssh";
import { sha256Fingerprint } from "../../sdk/ssh/fingerprint";
import { startTestSshd, type TestSshd } from "../../test/support/sshd";
import { sshTargetOptions } from "../../test/support/ssh-target";
import { compareInRounds, msPerOp, type Comparison } from "./rounds";

const run = promisify(execFile);
const ROUNDS = 5;
const EXECS_PER_ROUND = 12;

/** Runs the SSH comparisons on a fresh sshd and stops everything it started. */
export async function compareSsh(): Promise<Comparison[]> {
  const sshd = await startTestSshd();
  const controlDir = await mkdtemp(join(tmpdir(), "bioxen-bench-cm-"));
  const openssh = openSshArgs(sshd, join(controlDir, "cm"));
  try {
    const target = sshTarget(sshTargetOptions(sshd));
    await runTrue(target); // dial outside the measurement: a long-lived pool is warm
    await run("ssh", [...openssh, "true"]); // starts the persistent master, as Ansible's first task does
    const ours = { name: "bioxen-luavm sshTarget (pooled)", run: async () => ({ exec: await msPerOp(EXECS_PER_ROUND, () => runTrue(target)) }) };
    const controlMaster = await compareInRounds({
      rounds: ROUNDS,
      ours,
      peer: { name: "OpenSSH ControlMaster", run: async () => ({ exec: await msPerOp(EXECS_PER_ROUND, () => run("ssh", [...openssh, "true"])) }) },
      measures: { exec: { workload: "SSH: sequential exec of `true`, warm connection", unit: "ms/exec", target: 0.5 } },
    });
    const perCommand = await compareInRounds({
      rounds: ROUNDS,
      ours,
      peer: { name: "ssh2, new connection per command", run: async () => ({ exec: await msPerOp(EXECS_PER_ROUND, () => ssh2ExecOnce(sshd, "true")) }) },
      measures: { exec: { workload: "SSH: sequential exec of `true` vs a connection per command", unit: "ms/exec" } },
    });
    return [...controlMaster, ...perCommand];
  } finally {
    await run("ssh", [...openssh.filter((a) => a !== "ControlMaster=auto"), "-O", "exit"]).catch(() => undefined);
    await closeAllSshConnections();
    await sshd.stop();
    await rm(controlDir, { recursive: true, force: true });
  }
}

async function runTrue(target: SshTarget): Promise<void> {
  const result = await target.exec(["true"], { deadline: 20_000 });
  if (result.exitCode !== 0) throw new Error(`true exited ${result.exitCode} on ${target.description}: ${result.stderr}`);
}

/** The `ssh` arguments Ansible's ssh connection plugin uses (ControlMaster=auto, ControlPersist), on our sshd. */
function openSshArgs(sshd: TestSshd, controlPath: string): string[] {
  const options = [
    "BatchMode=yes",
    "IdentitiesOnly=yes",
    `UserKnownHostsFile=${sshd.knownHostsPath}`,
    "StrictHostKeyChecking=yes",
    "ControlMaster=auto",
    "ControlPersist=120s",
    `ControlPath=${controlPath}`,
    "LogLevel=ERROR",
  ];
  return ["-F", "/dev/null", "-i", sshd.privateKeyPath, "-p", String(sshd.port), ...options.flatMap((o) => ["-o", o]), `${sshd.username}@${sshd.host}`];
}

/** Connects, runs `command`, waits for its exit and disconnects: one connection per command. */
function ssh2ExecOnce(sshd: TestSshd, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on("error", reject);
    client.on("ready", () => {
      client.exec(command, (err, channel) => {
        if (err) return reject(err);
        channel.resume();
        channel.stderr.resume();
        channel.on("close", (code: number) => {
          client.end();
          if (code === 0) resolve();
          else reject(new Error(`${command} exited ${code}`));
        });
      });
    });
    client.connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostVerifier: (key: Buffer) => sha256Fingerprint(key) === sshd.hostKeyFingerprint,
    });
  });
}
