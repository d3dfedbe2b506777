import { afterAll, beforeAll } from "vitest";
import { closeAllSshConnections, sshTarget, type SshTarget } from "../../sdk/ssh";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { defineAttachableCases } from "./attachable-cases";

// The local cases over a real sshd on loopback: sessions outlive the SSH connection that made them.
let sshd: TestSshd;
let target: SshTarget;

beforeAll(async () => {
  sshd = await startTestSshd();
  target = sshTarget(sshTargetOptions(sshd));
});

afterAll(async () => {
  await target?.close();
  await closeAllSshConnections();
  await sshd?.stop();
});

defineAttachableCases("lua5.4", {
  target: () => target,
  reconnect: () => closeAllSshConnections(),
  laterClientEnv: () => ({ BIOXEN_TEST_SSH: JSON.stringify(sshTargetOptions(sshd)) }),
});
