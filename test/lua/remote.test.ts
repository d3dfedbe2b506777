import { afterAll, beforeAll } from "vitest";
import { closeAllSshConnections, sshTarget, type SshTarget } from "../../sdk/ssh";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { defineRunnerCases } from "./runner-cases";
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
