/** TLS trust for the XAPI connection: system CAs, a given CA, or one pinned certificate. */
import { BioxenError } from "../base/errors";
import { readFileSync } from "node:fs";
import type { TLSSocket } from "node:tls";
import type { Agent, buildConnector } from "undici";
import { undici } from "../base/lazy-modules";
import { assertPrintable } from "../base/printable";

/** How the client trusts the host's certificate. Verification is always on. */
export interface XapiTlsOptions {
  /** SHA-256 fingerprint of the one certificate to trust, `"AB:CD:…"` or plain hex (any case). */
  fingerprint256?: string;
  /** PEM text of a CA to verify the host's certificate against (instead of the system CAs). */
  ca?: string;
  /** Path of a PEM CA file, read once at connect. */
  caFile?: string;
}

/** The host offered a certificate other than the pinned one. */
export class TlsFingerprintMismatchError extends BioxenError {
  override readonly name = "TlsFingerprintMismatchError";
  readonly code = "BIOXEN_TLS_FINGERPRINT" as const;
  /** @param host `host:port` @param expected the pinned fingerprint @param offered the certificate's fingerprint */
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly offered: string,
  ) {
    super(`TLS certificate of ${host} is not the pinned one: expected SHA-256 ${expected}, offered ${offered}`);
  }
}

/**
 * Normalises a SHA-256 fingerprint to upper-case colon-separated hex, as Node reports it.
 * @throws Error when it is not 32 bytes of hex
 */
export function normalizeFingerprint256(fingerprint: string): string {
  const hex = fingerprint.replace(/[:\s]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new Error(`tls.fingerprint256 must be 32 bytes of hex ("AB:CD:…" or plain), got ${JSON.stringify(fingerprint)}`);
  }
  return hex.match(/../g)!.join(":");
}

/**
 * Creates the one undici Agent a client uses, with the trust the options ask for.
 * @param tls trust options; with none, the system CAs verify the host
 */
export function createXapiAgent(tls: XapiTlsOptions = {}): Agent {
  if (tls.fingerprint256 && (tls.ca || tls.caFile)) {
    throw new Error("tls: give either fingerprint256 or ca/caFile, not both");
  }
  if (tls.fingerprint256) return new (undici().Agent)({ connect: pinnedConnector(normalizeFingerprint256(tls.fingerprint256)) });
  const ca = tls.ca ?? (tls.caFile ? readCaFile(tls.caFile) : undefined);
  return new (undici().Agent)({ connect: ca ? { ca, rejectUnauthorized: true } : { rejectUnauthorized: true } });
}

/**
 * A connector that accepts exactly the certificate with the pinned fingerprint. Chain checks are
 * replaced by the pin (a pinned host certificate is usually self-signed); session reuse is off so
 * every connection shows its certificate.
 */
function pinnedConnector(expected: string): buildConnector.connector {
  const connect = undici().buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });  // verified: the SHA-256 pin below is checked before the socket is handed on
  return (options, callback) => {
    connect(options, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error("TLS connector gave no socket"), null);
      const offered = (socket as TLSSocket).getPeerCertificate?.().fingerprint256;
      if (options.protocol !== "https:" || offered?.toUpperCase() === expected) return callback(null, socket);
      socket.destroy();
      callback(new TlsFingerprintMismatchError(`${options.hostname}:${options.port}`, expected, offered ?? "(none)"), null);
    });
  };
}

function readCaFile(path: string): string {
  assertPrintable(path, "tls.caFile");
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new Error(`tls.caFile ${path} cannot be read: ${(cause as Error).message}`, { cause });
  }
}
