import { afterAll, beforeAll } from "vitest";
import { closeAllSshConnections, sshTarget, type SshTarget } from "../../sdk/ssh";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { defineRunnerCases } from "./runner-cases";
import { defineAttachableCases } from "./attachable-cases";
import { defineSessionCases } from "./session-cases";

// The same cases as the local suites, over a real sshd on loopback (so pgrep sees remote processes).
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

defineRunnerCases("lua5.4", () => target);
defineSessionCases("lua5.4", () => target);
// Attachable sessions outlive the SSH connection that made them: `reconnect` drops it.
defineAttachableCases("lua5.4", {
  target: () => target,
  reconnect: () => closeAllSshConnections(),
  laterClientEnv: () => ({ BIOXEN_TEST_SSH: JSON.stringify(sshTargetOptions(sshd)) }),
});
