/**
 * Text that reaches XAPI or a file path byte-exact is refused by the sdk when it holds a control
 * character, with an error naming the input, before anything is sent or read (the provider's
 * check refuses the same: ./hostile-input.property.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { SEEDED, TEMPLATES } from "../../sim";
import { createNetwork } from "../../sdk/vm/network";
import { ensureXcpngLuaVm } from "../../sdk/vm/xcpng";
import type { XcpngLuaVmSpec } from "../../sdk/vm/xcpng";
import { XapiClient } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

let sim: Simulator;
let client: XapiClient;
beforeAll(async () => {
  sim = stopAfterFile(await startTestSim({ guests: false }, { client: false }));
  client = await XapiClient.connect(credentials(sim));
  return () => client.close();
});

const VM: XcpngLuaVmSpec = {
  owner: "attack/control/XcpngLuaVM/vm",
  name: "vm",
  template: TEMPLATES.cloneReady,
  cloneMode: "clone",
  vcpus: 1,
  memoryMiB: 256,
  networks: [{ network: SEEDED.managementNetwork }],
  ssh: { user: "root", port: 22, privateKey: "unused: refused before any login" },
  tags: ["t"],
  powerState: "halted",
  allowRestart: false,
};

/** The error of `run`, and how many XAPI calls the client sent meanwhile. */
async function refused(run: () => Promise<unknown>): Promise<{ message: string; calls: number }> {
  const before = client.callCount();
  const error = await run().then(
    () => new Error("accepted"),
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(RangeError);
  return { message: error.message, calls: client.callCount() - before };
}

describe("control characters in text that reaches XAPI or a path", () => {
  it.each([
    ["template", { template: "tpl\u0000" }],
    ["sr", { sr: "Local storage\n" }],
    ["tags[1]", { tags: ["ok", "a\u001bb"] }],
    ["networks[0].network", { networks: [{ network: "net\u007f" }] }],
    ["description", { description: "line\rline" }],
  ] as const)("XcpngLuaVM %s is refused before any XAPI call", async (field, change) => {
    const { message, calls } = await refused(() => ensureXcpngLuaVm(client, { ...VM, ...change } as XcpngLuaVmSpec));
    expect(message).toContain(`${field} must not contain control characters`);
    expect(calls).toBe(0);
  });

  it("VmNetwork description is refused before any XAPI call", async () => {
    const { message, calls } = await refused(() => createNetwork(client, { name: "n", description: "bell\u0007", mtu: 1500, owner: "attack/control/VmNetwork/n" }));
    expect(message).toMatch(/^description must not contain control characters \(U\+0007/);
    expect(calls).toBe(0);
  });

  it("tls.caFile and username are refused before the file is read or a login is sent", async () => {
    const caFile = await refused(() => XapiClient.connect({ ...credentials(sim), url: "https://127.0.0.1:1", tls: { caFile: "/etc/ssl/ca.pem\u0000.txt" } }));
    expect(caFile.message).toMatch(/^tls\.caFile must not contain control characters/);
    const logins = sim.sessionCount();
    const username = await refused(() => XapiClient.connect({ ...credentials(sim), username: "root\n" }));
    expect(username.message).toMatch(/^username must not contain control characters/);
    expect(sim.sessionCount()).toBe(logins);
  });
});
