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
  /** Private key file for ssh (default ~/.ssh/id_ed25519), or instead of the environment file's key with vm. */
  identity?: string;
  /** A VM instance of the environment file `env`. */
  vm?: string;
  /** Environment file (required with vm). */
  env?: string;
  /** Lua interpreter (default: lua5.4 locally and over ssh, the file's `lua` or the first found on a VM). */
  interpreter?: string;
}

/** A target, the interpreter to run there and the namespace its sessions are listed under. */
export interface ReplTarget {
  target: Target;
  interpreter?: string;
  /** The VM instance name with `--vm` (the namespace a VmManager gives that VM's sessions), else "repl". */
  namespace: string;
}

/** The local target, an SSH target with its host key pinned, or a VM of an environment file. */
export async function replTarget(options: ReplTargetOptions): Promise<ReplTarget> {
  const chosen = [options.local && "--local", options.ssh !== undefined && "--ssh", options.vm !== undefined && "--vm"].filter(Boolean);
  if (chosen.length > 1) throw new Error(`${chosen.join(" and ")} exclude each other: give one target`);
  if (options.vm !== undefined) {
    if (!options.env) throw new Error("--vm needs --env <environment file>: the VM's pool connection and SSH login are read from it");
    const { vmTarget } = await import("./vm-target"); // XAPI, YAML and the schema only when a VM is asked for
    const found = await vmTarget({ vm: options.vm, env: options.env, identity: options.identity });
    return { target: found.target, interpreter: options.interpreter ?? found.interpreter, namespace: options.vm };
  }
  const target = options.ssh === undefined ? localTarget() : sshTargetOf(options.ssh, options);
  return { target, interpreter: options.interpreter, namespace: "repl" };
}

function sshTargetOf(ssh: string, options: ReplTargetOptions): Target {
  const match = /^([^@\s]+)@([^:\s]+)(?::(\d+))?$/.exec(ssh);
  if (!match) throw new Error(`--ssh ${JSON.stringify(ssh)} is not user@host[:port]`);
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
