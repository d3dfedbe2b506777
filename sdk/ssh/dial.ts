import { connect, type Socket } from "node:net";
import type { Client, ConnectConfig } from "ssh2";
import { ssh2 } from "../base/lazy-modules";
import type { ResolvedAuth } from "./auth";
import { SshError } from "./errors";
import { prepareHostKeyCheck, type HostKeyPolicy } from "./host-key";
import { abortableSleep, backoffDelay } from "./sleep";

/** Everything needed to open one authenticated SSH connection. */
export interface DialSpec {
  host: string;
  port: number;
  username: string;
  auth: ResolvedAuth;
  hostKey: HostKeyPolicy;
  /** Give up (with the last cause) after this long. */
  timeoutMs: number;
  /** Per attempt: TCP connect + SSH handshake + auth must finish within this. */
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** "ssh://user@host:port", for messages. */
  target: string;
  signal?: AbortSignal;
}

/** An authenticated connection. */
export interface DialedConnection {
  client: Client;
  socket: Socket;
  /** Fingerprint of the host key that was verified. */
  hostKeyFingerprint: string;
}

/** Outcome of one failed attempt: retry (host still booting) or give up now. */
class AttemptFailure extends Error {
  constructor(readonly retryable: boolean, readonly error: Error) {
    super(error.message);
  }
}

/**
 * Dials until connected or the deadline passes. Refused connections, timeouts and missing banners
 * are retried with exponential backoff and jitter (the host may still be booting); host-key
 * refusals and authentication failures are final at once.
 */
export async function dialWithRetry(spec: DialSpec): Promise<DialedConnection> {
  const deadline = Date.now() + spec.timeoutMs;
  let lastCause: Error | undefined;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(spec);
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      return await dialOnce(spec, Math.min(spec.readyTimeoutMs, remaining));
    } catch (err) {
      if (!(err instanceof AttemptFailure)) throw err;
      if (!err.retryable) throw err.error;
      lastCause = err.error;
    }
    const wait = Math.min(backoffDelay(attempt), deadline - Date.now());
    if (wait <= 0) break;
    try {
      await abortableSleep(wait, spec.signal);
    } catch {
      throwIfAborted(spec);
    }
  }
  throw new SshError(
    "UNREACHABLE",
    spec.target,
    `could not connect within ${spec.timeoutMs} ms; last error: ${lastCause?.message ?? "none (deadline too short)"}`,
    { cause: lastCause },
  );
}

function throwIfAborted(spec: DialSpec): void {
  if (spec.signal?.aborted) throw abortedError(spec);
}

function abortedError(spec: DialSpec): SshError {
  return new SshError("ABORTED", spec.target, "connecting was aborted", { cause: spec.signal?.reason });
}

async function dialOnce(spec: DialSpec, attemptMs: number): Promise<DialedConnection> {
  const started = Date.now();
  const hostCheck = await prepareHostKeyCheck(spec.hostKey, spec.host, spec.port, spec.target);
  const socket = await connectTcp(spec.host, spec.port, attemptMs, spec);
  const client = new (ssh2().Client)();
  // Late errors (after we stop listening) must not crash the process; the pool watches "close".
  client.on("error", () => undefined);
  const config: ConnectConfig = {
    sock: socket,
    username: spec.username,
    ...spec.auth.config,
    hostVerifier: (key: Buffer) => hostCheck.verify(key),
    readyTimeout: Math.max(1, attemptMs - (Date.now() - started)),
    keepaliveInterval: spec.keepaliveIntervalMs,
  };
  if (hostCheck.serverHostKeyAlgorithms) {
    config.algorithms = { serverHostKey: hostCheck.serverHostKeyAlgorithms as never };
  }
  return new Promise<DialedConnection>((resolve, reject) => {
    const fail = (failure: AttemptFailure) => {
      cleanup();
      client.end();
      socket.destroy();
      reject(failure);
    };
    const onReady = () => {
      cleanup();
      resolve({ client, socket, hostKeyFingerprint: hostCheck.accepted()! });
    };
    const onError = (err: Error & { level?: string }) => {
      const refusal = hostCheck.refusal();
      if (refusal) return fail(new AttemptFailure(false, refusal));
      if (err.level === "client-authentication" || err.level === "agent") {
        const who = `${spec.username}@${spec.host}:${spec.port}`;
        const detail = err.level === "agent" ? `; agent error: ${err.message}` : "";
        return fail(new AttemptFailure(false, new SshError("AUTH_FAILED", spec.target, `authentication failed for ${who} (tried ${spec.auth.methods.join(", ")})${detail}`)));
      }
      fail(new AttemptFailure(true, err));
    };
    const onClose = () => onError(new Error("the server closed the connection before authentication finished"));
    // An abort ends the attempt at once, not at its ready timeout.
    const onAbort = () => fail(new AttemptFailure(false, abortedError(spec)));
    const cleanup = () => {
      client.off("ready", onReady).off("error", onError).off("close", onClose);
      spec.signal?.removeEventListener("abort", onAbort);
    };
    client.on("ready", onReady).on("error", onError).on("close", onClose);
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    if (spec.signal?.aborted) return onAbort();
    try {
      client.connect(config);
    } catch (err) {
      fail(new AttemptFailure(false, new SshError("INVALID_ARGUMENT", spec.target, `ssh2 refused the connection settings: ${(err as Error).message}`, { cause: err })));
    }
  });
}

/** Opens the TCP connection ourselves so refused/unreachable/timeouts are classified before SSH starts; an abort ends it at once. */
function connectTcp(host: string, port: number, timeoutMs: number, spec: DialSpec): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const { signal } = spec;
    if (signal?.aborted) return reject(new AttemptFailure(false, abortedError(spec)));
    const socket = connect({ host, port });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      settle();
      socket.destroy();
      reject(new AttemptFailure(false, abortedError(spec)));
    };
    const timer = setTimeout(() => {
      settle();
      socket.destroy();
      reject(new AttemptFailure(true, new Error(`TCP connect to ${host}:${port} timed out after ${timeoutMs} ms`)));
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      settle();
      // ssh2 sets no socket options on a socket it is handed: without this every exec waits for
      // a delayed ACK (~40 ms) on small request/reply packets (OpenSSH sets it on both ends).
      socket.setNoDelay(true);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (err) => {
      settle();
      socket.destroy();
      reject(new AttemptFailure(true, err));
    });
  });
}
