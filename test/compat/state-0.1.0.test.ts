/**
 * Compatibility with state written by bioxen-luavm 0.1.0 (test/fixtures/state/0.1.0.json, made
 * by test/compat/generate-state-fixture.ts from the 0.1.0 code through the engine harness against
 * the simulator). The fixture holds each resource's inputs and outputs as the engine stored
 * them, `__provider` included: the provider host runs THAT serialized provider for diff and
 * delete, so its module specifiers (`bioxen-luavm/provider/impl/<file>`) must keep resolving and
 * the current implementation must accept the old shape without a diff or a replace. Reading and
 * deleting that state over a pool holding what 0.1.0 made: state-0.1.0-pool.engine.test.ts.
 * Needs a fresh `npm run build` (the host loads dist/ through the program folder's link).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderHost, type ProgramDir } from "../support/engine";
import { checkoutProgramDir } from "../support/engine-suite";
import { boundState as bind, loadStateFixture } from "./state-fixture";

const FIXTURE = loadStateFixture("0.1.0");
const boundState = (values: Record<string, string>) => bind(FIXTURE, values);

/** Stand-in values for a state that is only diffed (no call reaches a pool, a guest or a rocks server). */
const OFFLINE_VALUES = {
  XAPI_URL: "http://127.0.0.1:9",
  ROCKS_URL: "http://127.0.0.1:9/rocks",
  PRIVATE_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----\nstand-in\n-----END OPENSSH PRIVATE KEY-----\n",
  VM_UUID: "5b0c3a4e-6f1d-4b7a-9c2e-0d8f1e2a3b4c",
  NETWORK_UUID: "8e2f1d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
  VIF_UUID: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  VIF_ADDRESS: "127.66.0.9",
  VM_ADDRESS: "127.89.0.9",
  HOST_KEY: "SHA256:standinstandinstandinstandinstandinstandin",
  POOL_UUID: "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",
  TREE: "/nonexistent/bioxen-compat-tree",
  GUEST_ROOT: "/nonexistent/bioxen-guests",
  PROGRAM_DIR: "/nonexistent/program",
  USER: "root",
};

let program: ProgramDir;

beforeAll(() => {
  program = checkoutProgramDir();
});

afterAll(() => program?.remove());

describe(`state written by bioxen-luavm ${FIXTURE.version}`, () => {
  it("holds the four resource types, each with its serialized provider naming a package module", () => {
    expect(FIXTURE.state.map((r) => r.type).sort()).toEqual(
      ["LocalLua", "LuaPackage", "VmNetwork", "XcpngLuaVM"].map((t) => `pulumi-nodejs:dynamic/bioxen:${t}`),
    );
    for (const resource of FIXTURE.state) {
      expect(String(resource.outputs.__provider)).toMatch(/implementation: "bioxen-luavm\/provider\/impl\/[a-z-]+"/);
    }
  });

  it("diffs clean through the provider host running the serialized 0.1.0 providers: no change, no replace", async () => {
    const host = await ProviderHost.start({ cwd: program.dir });
    try {
      await host.configure({ "bioxen:xapiUrl": OFFLINE_VALUES.XAPI_URL, "bioxen:xapiUsername": "root", "bioxen:xapiPassword": "unused" }, ["bioxen:xapiPassword"]);
      for (const resource of boundState(OFFLINE_VALUES)) {
        const diff = await host.diff(resource.id, resource.urn, resource.outputs, resource.inputs, { oldInputs: resource.inputs });
        expect({ urn: resource.urn, changes: diff.changes, replaces: diff.replaces }).toEqual({ urn: resource.urn, changes: "none", replaces: [] });
      }
    } finally {
      await host.stop();
    }
  });
});
