/**
 * SSH execs against a real OpenSSH sshd on loopback (test/support/sshd.ts): 100 `true` through the
 * pooled sshTarget (one connection, a channel per exec) vs a fresh connection per exec (pool
 * closed between execs), then the same 100 execs 20 at a time on the pool (the client's default
 * 10 channels, then 20). One run; read the ratios. Usage: npx tsx bench/ssh-pool.ts
 */
import { closeAllSshConnections, sshPoolStats, sshTarget, type SshTarget } from "../sdk/ssh";
import { startTestSshd, type TestSshd } from "../test/support/sshd";
import { measureConcurrent, measureSequential, printRatio } from "./support/measure";

const EXECS = 100;
const WIDTH = 20;

function targetFor(sshd: TestSshd, maxSessions?: number): SshTarget {
  return sshTarget({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    hostKey: { fingerprint: sshd.hostKeyFingerprint },
    maxSessions,
  });
}

async function runTrue(target: SshTarget): Promise<void> {
  const result = await target.exec(["true"], { deadline: 20_000 });
  if (result.exitCode !== 0) throw new Error(`true exited ${result.exitCode} on ${target.description}: ${result.stderr}`);
}

async function main(): Promise<void> {
  const sshd = await startTestSshd();
  try {
    const target = targetFor(sshd);
    await runTrue(target); // dial outside the measurement, as a long-lived pool would have
    const pooled = await measureSequential("pooled connection, sequential", EXECS, () => runTrue(target));
    await closeAllSshConnections();
    const dialsBefore = sshPoolStats().dials;
    const fresh = await measureSequential("fresh connection per exec", EXECS, async () => {
      await runTrue(target);
      await closeAllSshConnections();
    });
    console.log(`dials during the fresh-connection run: ${sshPoolStats().dials - dialsBefore}`);
    printRatio("pooled vs fresh connection", pooled, fresh);

    await runTrue(target);
    const wide = await measureConcurrent(`pooled, ${WIDTH} concurrent (10 channels)`, EXECS / WIDTH, WIDTH, () => runTrue(target));
    printRatio(`${WIDTH}-way vs sequential on the pool (10 channels)`, wide, pooled);
    await closeAllSshConnections();

    const wideTarget = targetFor(sshd, WIDTH);
    await runTrue(wideTarget);
    const wider = await measureConcurrent(`pooled, ${WIDTH} concurrent (${WIDTH} channels)`, EXECS / WIDTH, WIDTH, () => runTrue(wideTarget));
    printRatio(`${WIDTH}-way vs sequential on the pool (${WIDTH} channels)`, wider, pooled);
  } finally {
    await closeAllSshConnections();
    await sshd.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
