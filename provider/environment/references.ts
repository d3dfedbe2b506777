/**
 * Secret and config references of an environment file (`{config: "bioxen:poolPassword"}`,
 * `{env: "POOL_PASSWORD"}`): finding the ones a deployment needs that have no value, with the
 * file key that names them, and turning a reference into a value (a Pulumi secret for secrets).
 */
import * as pulumi from "@pulumi/pulumi";
import { expandVms, type EnvironmentSpec, type SecretRef } from "../../sdk/env";

/** Where reference values come from. */
export interface ReferenceSources {
  /** Environment variables for `{env}` references (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** A reference that has no value: the file key it was written at and what to do about it. */
export interface MissingReference {
  /** Dotted file key, e.g. `connections.lab.password`. */
  path: string;
  /** Why it has no value and how to give it one (never a value). */
  message: string;
}

/** True for `{config: "…"}` or `{env: "…"}` (exactly one string key). */
export function isSecretRef(value: unknown): value is SecretRef {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "config" || keys[0] === "env") && typeof (value as Record<string, unknown>)[keys[0]] === "string";
}

/**
 * The value of a reference: a stack config value (`requireSecret` when `secret`) or an
 * environment variable (wrapped in `pulumi.secret` when `secret`).
 * @throws Error naming `where` when the value is missing (check {@link missingReferences} first for all of them at once)
 */
export function referenceValue(ref: SecretRef, secret: boolean, where: string, sources: ReferenceSources = {}): pulumi.Input<string> {
  const problem = referenceProblem(ref, secret, sources);
  if (problem) throw new Error(`${where}: ${problem}`);
  if ("env" in ref) {
    const value = (sources.env ?? process.env)[ref.env]!;
    return secret ? pulumi.secret(value) : value;
  }
  const { namespace, key } = splitConfigKey(ref.config);
  const config = new pulumi.Config(namespace);
  return secret ? config.requireSecret(key) : config.require(key);
}

/**
 * Every reference the planned resources of `spec` need (connections in use, SSH keys of VMs with
 * instances) that has no value, in file order.
 */
export function missingReferences(spec: EnvironmentSpec, sources: ReferenceSources = {}): MissingReference[] {
  const missing: MissingReference[] = [];
  const check = (path: string, value: unknown, secret: boolean) => {
    if (!isSecretRef(value)) return;
    const problem = referenceProblem(value, secret, sources);
    if (problem) missing.push({ path, message: problem });
  };
  const withInstances = new Set(expandVms(spec).map((instance) => instance.key));
  const used = new Set([
    ...Object.values(spec.networks ?? {}).map((network) => network.connection),
    ...Object.entries(spec.vms ?? {}).filter(([key]) => withInstances.has(key)).map(([, vm]) => vm.connection),
  ]);
  for (const [name, connection] of Object.entries(spec.connections ?? {})) {
    if (!used.has(name)) continue;
    check(`connections.${name}.url`, connection.url, false);
    check(`connections.${name}.username`, connection.username, false);
    check(`connections.${name}.password`, connection.password, true);
  }
  for (const [name, vm] of Object.entries(spec.vms ?? {})) {
    if (withInstances.has(name)) check(`vms.${name}.ssh.privateKey`, vm.ssh.privateKey, true);
  }
  return missing;
}

/** Why `ref` has no value (never the value), or undefined when it has one. */
function referenceProblem(ref: SecretRef, secret: boolean, sources: ReferenceSources): string | undefined {
  return "env" in ref ? envProblem(ref.env, sources) : configProblem(ref.config, secret);
}

function envProblem(name: string, sources: ReferenceSources): string | undefined {
  const value = (sources.env ?? process.env)[name];
  return value === undefined || value === "" ? envMissing(name) : undefined;
}

function configProblem(fullKey: string, secret: boolean): string | undefined {
  const { namespace, key } = splitConfigKey(fullKey);
  return new pulumi.Config(namespace).getSecret(key) === undefined ? configMissing(fullKey, secret) : undefined;
}

function envMissing(name: string): string {
  return `environment variable ${name} is not set; export it in the deployment's environment (in CI, from the secret store)`;
}

function configMissing(fullKey: string, secret: boolean): string {
  const command = secret ? `pulumi config set --secret ${fullKey} <value>` : `pulumi config set ${fullKey} <value>`;
  return `stack config ${fullKey} is not set; set it with \`${command}\``;
}

/** `bioxen:poolPassword` → namespace bioxen, key poolPassword; a key without namespace is the project's. */
function splitConfigKey(fullKey: string): { namespace: string | undefined; key: string } {
  const colon = fullKey.indexOf(":");
  return colon < 0 ? { namespace: undefined, key: fullKey } : { namespace: fullKey.slice(0, colon), key: fullKey.slice(colon + 1) };
}
