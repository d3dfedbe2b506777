/**
 * The checked-in state fixtures (test/fixtures/state/<version>.json): the program that wrote them,
 * the values of one run's world that became placeholders `<<NAME>>`, and binding them back.
 * Shared by the generator (test/compat/generate-state-fixture.ts) and the compatibility tests;
 * no vitest here (the generator runs under tsx).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalLua } from "../../provider/local-lua";
import { LuaPackage } from "../../provider/lua-package";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import type { Engine, ResourceState } from "../support/engine";
import { simEngine, type XapiLogin } from "../support/engine-suite";

/** A state fixture as stored. */
export interface StateFixture {
  version: string;
  placeholders: string[];
  state: ResourceState[];
}

/** Reads test/fixtures/state/<version>.json. */
export function loadStateFixture(version: string): StateFixture {
  return JSON.parse(readFileSync(join(__dirname, "../fixtures/state", `${version}.json`), "utf8")) as StateFixture;
}

/** What the fixture program needs of the world it runs in. */
export interface FixtureWorld {
  sshUser: string;
  sshPort: number;
  privateKey: string;
  rocksUrl: string;
  /** the LocalLua tree */
  tree: string;
}

/**
 * The program every fixture was written by: one resource of each type, project "compat", stack
 * "dev". `omitPackage` leaves the LuaPackage out (an up with it deletes only that resource).
 */
export function fixtureProgram(world: FixtureWorld, options: { omitPackage?: boolean } = {}): () => void {
  return () => {
    const vm = new XcpngLuaVM("worker", {
      template: TEMPLATES.cloneReady,
      vcpus: 1,
      memoryMiB: 512,
      networks: [{ network: SEEDED.managementNetwork }],
      ssh: { user: world.sshUser, port: world.sshPort, privateKey: pulumi.secret(world.privateKey) },
      luaInterpreter: "lua5.4",
    });
    if (!options.omitPackage) new LuaPackage("seq", { target: vm.sshTarget, name: "alpha", version: "1.0-1", servers: [world.rocksUrl] });
    new VmNetwork("lab", { name: "lab", attach: [{ vmUuid: vm.id }] });
    new LocalLua("local", { interpreter: "lua5.4", tree: world.tree });
  };
}

/** An engine of the fixture's stack ("compat"/"dev") on pool `xapi`, the program folder `programDir`. */
export function fixtureEngine(xapi: XapiLogin, programDir: string): Engine {
  return simEngine(xapi, { project: "compat", stack: "dev", programDir });
}

/** The world of one run of the fixture program, beyond what its state holds. */
export interface FixtureRun extends FixtureWorld {
  xapiUrl: string;
  poolUuid: string;
  programDir: string;
}

/** The value of each placeholder in a run of {@link fixtureProgram} that left `state`. */
export function placeholderValues(state: readonly ResourceState[], run: FixtureRun): Record<string, string> {
  const byName = (name: string) => {
    const resource = state.find((r) => r.urn.endsWith(`::${name}`));
    if (!resource) throw new Error(`state fixture: no resource "${name}" in the state`);
    return resource;
  };
  const vm = byName("worker");
  const net = byName("lab");
  const attachments = net.outputs.attachments as Array<{ vifUuid: string; address: string }>;
  return {
    XAPI_URL: run.xapiUrl,
    ROCKS_URL: run.rocksUrl,
    PRIVATE_KEY: run.privateKey,
    VM_UUID: vm.id,
    NETWORK_UUID: net.id,
    VIF_UUID: attachments[0]!.vifUuid,
    VIF_ADDRESS: attachments[0]!.address,
    VM_ADDRESS: String(vm.outputs.ipAddress),
    HOST_KEY: String(vm.outputs.hostKeyFingerprint),
    POOL_UUID: run.poolUuid,
    TREE: run.tree,
    GUEST_ROOT: String(byName("seq").outputs.treePath).split(`/${vm.id}/`)[0]!,
    PROGRAM_DIR: run.programDir,
    USER: run.sshUser,
  };
}

/** The fixture's state with each `<<NAME>>` replaced by `values[NAME]`; every placeholder must be given, and only those. */
export function boundState(fixture: StateFixture, values: Record<string, string>): ResourceState[] {
  const given = Object.keys(values).sort().join(",");
  const wanted = [...fixture.placeholders].sort().join(",");
  if (given !== wanted) throw new Error(`state fixture ${fixture.version}: placeholders are ${wanted}, values given for ${given}`);
  let text = JSON.stringify(fixture.state);
  for (const [name, value] of Object.entries(values)) text = text.split(`<<${name}>>`).join(JSON.stringify(value).slice(1, -1));
  const left = text.match(/<<[A-Z_]+>>/);
  if (left) throw new Error(`state fixture ${fixture.version}: placeholder ${left[0]} is not listed`);
  return JSON.parse(text) as ResourceState[];
}
