import { createHmac, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ConnectConfig } from "ssh2";
import { ssh2 } from "../base/lazy-modules";
import { SshError } from "./errors";

/** Ways to log in; several may be combined (tried in ssh2's order: agent/publickey, then password). */
export interface SshAuthOptions {
  /** Private key content (OpenSSH or PEM). */
  privateKey?: string | Buffer;
  /** Path of a private key file (read at connect time). */
  privateKeyPath?: string;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  password?: string;
  /** ssh-agent socket path, or true for $SSH_AUTH_SOCK. */
  agent?: string | true;
}

/** Resolved credentials for ssh2 plus secret-free facts about them. */
export interface ResolvedAuth {
  config: Pick<ConnectConfig, "privateKey" | "passphrase" | "password" | "agent">;
  /** Method names for messages, e.g. ["publickey"]. */
  methods: string[];
  /** Keyed hash of the credentials: the same login shares a pooled connection; reveals nothing. */
  identity: string;
}

/** Per-process key for identity hashes, so pool keys cannot be used to guess passwords offline. */
const IDENTITY_KEY = randomBytes(32);

/** Reads and checks the credentials (a key that cannot be decrypted fails here, before dialling). */
export async function resolveAuth(options: SshAuthOptions, target: string): Promise<ResolvedAuth> {
  const config: ResolvedAuth["config"] = {};
  const methods: string[] = [];
  const identity = createHmac("sha256", IDENTITY_KEY);
  const privateKey = await loadPrivateKey(options, target);
  if (privateKey) {
    const parsed = ssh2().utils.parseKey(privateKey, options.passphrase);
    if (parsed instanceof Error) {
      throw new SshError("KEY_INVALID", target, `the private key${options.privateKeyPath ? ` ${options.privateKeyPath}` : ""} cannot be used: ${parsed.message}`);
    }
    config.privateKey = privateKey;
    if (options.passphrase !== undefined) config.passphrase = options.passphrase;
    methods.push("publickey");
    identity.update("key\0").update(privateKey).update("\0").update(options.passphrase ?? "");
  }
  if (options.agent !== undefined) {
    const socket = options.agent === true ? process.env.SSH_AUTH_SOCK : options.agent;
    if (!socket) throw new SshError("INVALID_ARGUMENT", target, "agent: true was given but SSH_AUTH_SOCK is not set");
    config.agent = socket;
    methods.push("publickey (agent)");
    identity.update("\0agent\0").update(socket);
  }
  if (options.password !== undefined) {
    config.password = options.password;
    methods.push("password");
    identity.update("\0password\0").update(options.password);
  }
  if (methods.length === 0) {
    throw new SshError("INVALID_ARGUMENT", target, "no credentials: give privateKey, privateKeyPath, agent or password");
  }
  return { config, methods, identity: identity.digest("hex").slice(0, 32) };
}

async function loadPrivateKey(options: SshAuthOptions, target: string): Promise<Buffer | undefined> {
  if (options.privateKey !== undefined) return Buffer.from(options.privateKey);
  if (options.privateKeyPath === undefined) return undefined;
  try {
    return await readFile(options.privateKeyPath);
  } catch (err) {
    throw new SshError("KEY_INVALID", target, `cannot read private key file ${options.privateKeyPath}: ${(err as Error).message}`, { cause: err });
  }
}
