import type { ExecOptions, ExecResult, Target, TargetProcess, WriteFileOptions } from "../target/types";
import { DEFAULT_WRITE_FILE_TIMEOUT_MS, writeFileOptions } from "../target/write-file-options";
import { resolveAuth, type ResolvedAuth, type SshAuthOptions } from "./auth";
import { SshError } from "./errors";
import { execOnConnection } from "./exec";
import { buildRemoteCommand } from "./remote-command";
import { describeHostKeyPolicy, validateHostKeyPolicy, type HostKeyPolicy } from "./host-key";
import { closePooledConnection, pooledConnection, type PooledConnection } from "./pool";
import { retryOnClosed } from "./retry-closed";
import { writeFileOverSftp } from "./sftp";
import { spawnOnConnection } from "./spawn";

/** Where and how to reach an SSH machine. */
export interface SshTargetOptions extends SshAuthOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /** How the host key is trusted (required). */
  hostKey: HostKeyPolicy;
  /** Keep re-dialling a host that is not up yet for this long (default 60 s). */
  dialTimeoutMs?: number;
  /** Per attempt: TCP connect, handshake and auth (default 20 s). */
  readyTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s; 0 disables). */
  keepaliveIntervalMs?: number;
  /** The server's MaxSessions (default 10, OpenSSH's default). */
  maxSessions?: number;
  /** Close the shared connection after this long without channels (default 10 s). */
  idleCloseMs?: number;
}

/** A Target reached over SSH; all targets with the same login share one pooled connection. */
export interface SshTarget extends Target {
  /**
   * The verified host key's fingerprint ("SHA256:…"); connects if needed. Record it after
   * trust-on-first-use. `signal` ends the wait (and the dial, when no other call waits for it).
   */
  hostKeyFingerprint(options?: { signal?: AbortSignal }): Promise<string>;
  /** Closes the pooled connection this target uses (later calls re-dial). */
  close(): Promise<void>;
}

/** Creates an SSH target. Nothing connects until the first call. */
export function sshTarget(options: SshTargetOptions): SshTarget {
  const port = options.port ?? 22;
  const description = `ssh://${options.username}@${options.host}:${port}`;
  if (!options.host || !options.username) throw new SshError("INVALID_ARGUMENT", description, "host and username are required");
  const hostKey = validateHostKeyPolicy(options.hostKey, description);
  let auth: Promise<ResolvedAuth> | undefined;
  const credentials = () => (auth ??= resolveAuth(options, description).catch((err) => {
    auth = undefined;
    throw err;
  }));
  const poolKey = async () => `${description} ${(await credentials()).identity} ${describeHostKeyPolicy(hostKey)}`;

  const connection = async (signal?: AbortSignal): Promise<PooledConnection> => {
    const resolved = await credentials();
    return pooledConnection(
      await poolKey(),
      {
        host: options.host,
        port,
        username: options.username,
        auth: resolved,
        hostKey,
        timeoutMs: options.dialTimeoutMs ?? 60_000,
        readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
        keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
        target: description,
      },
      { maxSessions: options.maxSessions ?? 10, idleCloseMs: options.idleCloseMs ?? 10_000 },
      signal,
    );
  };

  return {
    description,
    key: description,
    async exec(argv: readonly string[], execOptions: ExecOptions = {}): Promise<ExecResult> {
      buildRemoteCommand(argv, execOptions, description); // refuses bad input before any dial or channel
      return retryOnClosed(execOptions, `${description}: ${argv[0] ?? "exec"}`, async (attempt) =>
        execOnConnection(await connection(attempt.signal), argv, attempt, description),
      );
    },
    async spawn(argv: readonly string[], spawnOptions: Omit<ExecOptions, "stdin" | "deadline"> = {}): Promise<TargetProcess> {
      buildRemoteCommand(argv, spawnOptions, description); // refuses bad input before any dial or channel
      return retryOnClosed(spawnOptions, `${description}: ${argv[0] ?? "spawn"}`, async (attempt) =>
        spawnOnConnection(await connection(attempt.signal), argv, attempt, description),
      );
    },
    async writeFile(path: string, content: string | Buffer, writeOptions?: WriteFileOptions | number): Promise<void> {
      const given = writeFileOptions(writeOptions);
      const bounded = { ...given, deadline: given.deadline ?? DEFAULT_WRITE_FILE_TIMEOUT_MS };
      return retryOnClosed(bounded, `${description}: writing ${path}`, (attempt) => writeFileOverSftp(connection, path, content, attempt, description));
    },
    async hostKeyFingerprint(fingerprintOptions: { signal?: AbortSignal } = {}): Promise<string> {
      return (await connection(fingerprintOptions.signal)).hostKeyFingerprint;
    },
    async close(): Promise<void> {
      await closePooledConnection(await poolKey());
    },
  };
}
