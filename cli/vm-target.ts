/**
 * `repl --vm <instance> --env <file>`: a VM of an environment file, reached the way its deployment
 * reaches it. The file gives the pool connection and the SSH login; XAPI gives the running VM of
 * that instance name (ours only), its address and the host key recorded at first use (pinned).
 * Lua sees the VM's LuaRocks user tree first, as LuaPackage installs there by default.
 */
import { readFileSync } from "node:fs";
import { expandVms, loadEnvironmentFile, type EnvironmentSpec, type EnvVmSpec, type ValueOrRef } from "../sdk/env";
import { detectLuaInterpreter } from "../sdk/lua/interpreter";
import { LuaRocks, validateLuaVersion } from "../sdk/rocks";
import { sshTarget } from "../sdk/ssh";
import type { Target } from "../sdk/target/types";
import { scopedTarget, treeLuaPathEnv } from "../sdk/vm";
import { findXcpngLuaVm } from "../sdk/vm/xcpng";
import { XapiClient } from "../sdk/xapi";

/** Which VM, from which environment file. */
export interface VmTargetOptions {
  /** Instance name (`worker-0`, or the key of a VM without count). */
  vm: string;
  /** Environment file path. */
  env: string;
  /** Private key file instead of the file's `ssh.privateKey` reference. */
  identity?: string;
}

/** Where the REPL runs on that VM. */
export interface VmTarget {
  target: Target;
  interpreter: string;
}

/** Finds the VM and returns an SSH target pinned to its recorded host key. */
export async function vmTarget(options: VmTargetOptions): Promise<VmTarget> {
  const { file, spec } = await loadEnvironmentFile(options.env);
  const { machine, vm } = await vmMachine(file, spec, options.vm, options.identity);
  const lua = await detectLuaInterpreter(machine, vm.lua);
  const tree = await new LuaRocks(machine, { tree: "user", luaVersion: validateLuaVersion(lua.languageVersion) }).treeRoot();
  return { target: scopedTarget(machine, { env: treeLuaPathEnv(tree, lua.languageVersion) }), interpreter: lua.interpreter };
}

/**
 * The VM instance `name` of environment file `file` (loaded as `spec`): found through XAPI (ours
 * only, running), reached over SSH with its recorded host key pinned, the file's login and key
 * (or the key file `identity`).
 */
export async function vmMachine(file: string, spec: EnvironmentSpec, name: string, identity?: string): Promise<{ machine: Target; vm: EnvVmSpec }> {
  const instance = expandVms(spec).find((candidate) => candidate.name === name);
  if (!instance) {
    const known = expandVms(spec).map((candidate) => candidate.name).join(", ") || "none";
    throw new Error(`--vm ${name}: ${file} has no VM instance of that name (instances: ${known})`);
  }
  const vm = spec.vms![instance.key]!;
  const connection = spec.connections![vm.connection]!;
  const at = `${file}: connections.${vm.connection}`;
  const client = await XapiClient.connect({
    url: referenced(connection.url, `${at}.url`),
    username: referenced(connection.username, `${at}.username`),
    password: referenced(connection.password, `${at}.password`),
    tls: connection.tls,
  });
  const found = await findXcpngLuaVm(client, instance.name).finally(() => client.close());
  const privateKey = identity ? readFileSync(identity, "utf8") : referenced(vm.ssh.privateKey, `${file}: vms.${instance.key}.ssh.privateKey`, " (or pass --identity FILE)");
  const machine = sshTarget({ host: found.address, port: vm.ssh.port ?? 22, username: vm.ssh.user, privateKey, hostKey: { fingerprint: found.hostKeyFingerprint } });
  return { machine, vm };
}

/** A plain value, or an `{env}` reference read from this process's environment. */
function referenced(value: ValueOrRef, where: string, alternative = ""): string {
  if (typeof value === "string") return value;
  if ("env" in value) {
    const found = process.env[value.env];
    if (found) return found;
    throw new Error(`${where}: environment variable ${value.env} is not set; export it${alternative}`);
  }
  throw new Error(`${where}: {config: ${JSON.stringify(value.config)}} is Pulumi stack config, which only a deployment reads; reference an environment variable instead ({env: …})${alternative}`);
}
