/** SSH target options that reach a {@link TestSshd}: its address, user and key, its host key pinned. */
import type { SshTargetOptions } from "../../sdk/ssh";
import type { TestSshd } from "./sshd";

/** Options for `sshTarget` that log in to `sshd` with its plain key and pin its host key; `extra` overrides. */
export function sshTargetOptions(sshd: TestSshd, extra: Partial<SshTargetOptions> = {}): SshTargetOptions {
  return {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    hostKey: { fingerprint: sshd.hostKeyFingerprint },
    ...extra,
  };
}
