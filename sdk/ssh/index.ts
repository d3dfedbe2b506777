export { sshTarget, type SshTarget, type SshTargetOptions } from "./target";
export { SshError, type SshErrorReason } from "./errors";
export type { HostKeyPolicy } from "./host-key";
export type { SshAuthOptions } from "./auth";
export { quoteArg, quoteArgv } from "./quote";
export { sha256Fingerprint } from "./fingerprint";
export { findKnownHostKeys, knownHostsLookupName, type KnownHostKey } from "./known-hosts";
export { closeAllSshConnections, sshPoolStats, type SshPoolStats, type SshConnectionStats } from "./pool";
