import { readFileSync } from "node:fs";
import { sshTarget } from "../sdk/ssh";
import { localTarget } from "../sdk/target";
import type { Target } from "../sdk/target/types";

/** Where the REPL's sessions run, from its command-line options. */
export interface ReplTargetOptions {
  local?: boolean;
  /** "user@host[:port]" */
  ssh?: string;
  /** "SHA256:…" (required with ssh). */
  hostKey?: string;
  /** Private key file for ssh (default ~/.ssh/id_ed25519). */
  identity?: string;
}

/** The local target, or an SSH target with its host key pinned. */
export function replTarget(options: ReplTargetOptions): Target {
  if (options.ssh === undefined) return localTarget();
  const match = /^([^@\s]+)@([^:\s]+)(?::(\d+))?$/.exec(options.ssh);
  if (!match) throw new Error(`--ssh ${JSON.stringify(options.ssh)} is not user@host[:port]`);
  if (!options.hostKey) throw new Error("--ssh needs --host-key SHA256:… (the server's key fingerprint, as ssh-keygen -lf prints it)");
  const identity = options.identity ?? `${process.env.HOME ?? ""}/.ssh/id_ed25519`;
  return sshTarget({
    username: match[1]!,
    host: match[2]!,
    port: match[3] === undefined ? 22 : Number(match[3]),
    privateKey: readFileSync(identity, "utf8"),
    hostKey: { fingerprint: options.hostKey },
  });
}
