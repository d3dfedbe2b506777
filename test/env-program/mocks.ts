/**
 * Runs an environment program under `pulumi.runtime.setMocks` (no engine, no provider) and
 * records every RegisterResource request as the engine would receive it: type, name, inputs
 * (secret envelopes included) and dependencies. Mock outputs stand in for the outputs other
 * resources refer to (`networkUuid`, `sshTarget`, `target`).
 */
import * as pulumi from "@pulumi/pulumi";
import { RegistrationQueue, type Registration } from "../support/engine/registrations";
import type { PropertyMap } from "../support/engine";

/** Project the mocks run under. */
export const PROJECT = "envproj";
/** Stack the mocks run under. */
export const STACK = "test";

/** One declared resource: its kind (the bioxen type), name, inputs and the names it depends on. */
export interface Declared {
  kind: string;
  name: string;
  inputs: PropertyMap;
  dependsOn: string[];
}

const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

/** The outputs a real create would add that other resources refer to. */
function mockOutputs(type: string, name: string): Record<string, unknown> {
  if (type.endsWith(":VmNetwork")) return { networkUuid: `uuid-${name}` };
  if (type.endsWith(":XcpngLuaVM")) return { vmUuid: `uuid-${name}`, ipAddress: "10.0.0.7", sshTarget: { kind: "ssh", host: "10.0.0.7", port: 22, username: "lua", hostKeyFingerprint: `SHA256:${name}` } };
  if (type.endsWith(":LocalLua")) return { luaPath: "?.lua;;", luaCPath: "?.so;;", target: { kind: "local", tree: `/project/${name}`, luaVersion: "5.4" } };
  return {};
}

/**
 * Runs `program` under mocks with the given stack config (keys with namespace, e.g.
 * "bioxen:environment"); resolves with what it returned and every resource it declared, in order.
 * Rejects with the program's own error.
 */
export async function runUnderMocks<T>(program: () => Promise<T> | T, config: Record<string, string>, secretKeys: string[] = []): Promise<{ result: T; declared: Declared[] }> {
  const declared: Declared[] = [];
  let queue: RegistrationQueue | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        declared.push(toDeclared(queue!.take(args.type, args.name)));
        return { id: `${args.name}-id`, state: { ...args.inputs, ...mockOutputs(args.type, args.name) } };
      },
      call: () => ({}),
    },
    PROJECT,
    STACK,
    false,
  );
  pulumi.runtime.setAllConfig(config, secretKeys);
  queue = new RegistrationQueue();
  try {
    const result = await program();
    return { result, declared };
  } finally {
    await waitForRPCs();
  }
}

function toDeclared(registration: Registration): Declared {
  return {
    kind: registration.type.replace("pulumi-nodejs:dynamic/bioxen:", ""),
    name: registration.name,
    inputs: registration.inputs,
    dependsOn: registration.dependencies.map((urn) => urn.split("::").pop()!).sort(),
  };
}

/**
 * kind, name and dependencies of each declared resource (the resource graph), sorted by kind in
 * dependency order, then name: registration RPCs finish in no fixed order.
 */
export function graphOf(declared: readonly Declared[]): [string, string, string[]][] {
  const rank = (d: Declared) => KIND_ORDER.indexOf(d.kind);
  return [...declared].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((d) => [d.kind, d.name, d.dependsOn]);
}

const KIND_ORDER = ["VmNetwork", "LocalLua", "XcpngLuaVM", "LuaPackage"];

/** A declared resource by name (fails when absent). */
export function named(declared: readonly Declared[], name: string): Declared {
  const found = declared.find((d) => d.name === name);
  if (!found) throw new Error(`no resource ${name} was declared; declared: ${declared.map((d) => d.name).join(", ")}`);
  return found;
}
