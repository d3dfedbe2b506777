/**
 * XcpngLuaVM's cloudInit input through the provider implementation: check (rendered by
 * sdk/cloud-init, messages without user-data), diff (any change replaces), and create / update /
 * delete on the simulator's cloud-init template with a key no template knows. The generated host
 * key is a secret output; a kept VM's partial properties hold no private half.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as impl from "../../provider/impl/xcpng-lua-vm";
import { UNKNOWN } from "../../provider/runtime/inputs";
import { SEEDED, TEMPLATES } from "../../sim";
import { generateClientKeyPair } from "../support/client-key";
import { expectNoLeftovers, type XcpngSim } from "./support/xcpng-sim";
import { useXcpngSim } from "./support/xcpng-suite";
import { testOwner } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.94", provider: true });
let env: XcpngSim;
const injected = generateClientKeyPair();
beforeAll(() => {
  env = sim();
});

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __owner: testOwner("ci"),
    name: "ci-vm",
    template: TEMPLATES.cloudInit,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { port: env.sshPort, privateKey: injected.private },
    luaInterpreter: "lua5.4",
    memoryMiB: 512,
    timeouts: { create: 30, ready: 30, delete: 20 },
    cloudInit: { user: env.user, disableRoot: env.user !== "root", runcmd: ["echo first boot"] },
    ...overrides,
  };
}

async function failuresOf(news: Record<string, unknown>): Promise<string[]> {
  const { failures } = await impl.check({}, news);
  return failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("XcpngLuaVM cloudInit check and diff", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["a non-object", "yes", /^cloudInit: must be \{ user\?/],
    ["an unknown field", { colour: "red" }, /^cloudInit\.colour: is not a cloudInit field/],
    ["a bad host key mode", { hostKey: "tofu" }, /^cloudInit\.hostKey: must be "generate"/],
    ["raw user-data without a pin", { userData: "#cloud-config\n{}\n" }, /^cloudInit\.userData: raw user-data carries no host key of ours/],
    ["a bad hostname", { hostname: "-bad-" }, /^cloudInit\.hostname: /],
    ["a bad authorized key", { authorizedKeys: ["not a key"] }, /^cloudInit\.authorizedKeys\[0\]: /],
    ["a password in extra user-data", { extraUserData: { chpasswd: { list: "root:x" } } }, /^cloudInit\.extraUserData/],
    ["a static NIC without addresses", { networkConfig: [{ device: "eth0" }] }, /^cloudInit\.networkConfig\[0\]: needs static addresses or dhcp/],
  ];
  for (const [what, cloudInit, message] of cases) {
    it(`rejects ${what}`, async () => {
      const failures = await failuresOf(inputs({ cloudInit }));
      expect(failures.some((f) => message.test(f)), failures.join("\n")).toBe(true);
    });
  }

  it("accepts raw user-data with a pinned host key, and unknowns during preview; refuses cloudInit with adopt", async () => {
    expect(await failuresOf(inputs({ cloudInit: { userData: "#cloud-config\n{}\n" }, ssh: { port: 22, privateKey: injected.private, hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }))).toEqual([]);
    expect(await failuresOf(inputs({ cloudInit: UNKNOWN }))).toEqual([]);
    expect(await failuresOf(inputs({ cloudInit: { hostname: UNKNOWN } }))).toEqual([]);
    const adopting = await failuresOf(inputs({ adopt: "0f0e0d0c-0b0a-4908-8706-050403020100", ssh: { hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }));
    expect(adopting).toContain("cloudInit: cannot be given with adopt: cloud-init runs once per instance, at its first boot");
  });

  it("replaces the VM on any cloudInit change (cloud-init runs once per instance)", async () => {
    const olds: Record<string, unknown> = { ...(await impl.check({}, inputs())).inputs, vmUuid: "u", rootDiskGiB: 4 };
    expect((await impl.diff("u", olds, inputs({ __owner: olds.__owner }))).changes).toBe(false);
    expect((await impl.diff("u", olds, inputs({ __owner: olds.__owner, cloudInit: { user: env.user, disableRoot: env.user !== "root", runcmd: ["echo other"] } }))).replaces).toEqual(["cloudInit"]);
    expect((await impl.diff("u", olds, inputs({ __owner: olds.__owner, cloudInit: undefined }))).replaces).toEqual(["cloudInit"]);
  });
});

describe("XcpngLuaVM cloudInit against the simulator", () => {
  it("creates with the host key pinned from the start, keeps the drive and key through an update, destroys the drive with the VM", async () => {
    const { inputs: checked, failures } = await impl.check({}, inputs());
    expect(failures).toEqual([]);
    const created = await impl.create(checked);
    const outs = created.outs as Record<string, any>;
    try {
      expect(outs.cloudInitHostKey.fingerprint).toBe(outs.hostKeyFingerprint);
      expect(outs.hostKeyFingerprint).toBe(env.sim.sshGuests!.hostKeyFingerprint(created.id));
      expect(outs.cloudInitHostKey.privateKey).toContain("OPENSSH PRIVATE KEY");
      expect(outs.sshTarget).toMatchObject({ hostKeyFingerprint: outs.hostKeyFingerprint, privateKey: injected.private });
      expect(env.sim.refOf(outs.configDriveVdiUuid)).toBeDefined();
      const news = (await impl.check(checked, { ...checked, tags: ["lab"] })).inputs;
      const updated = await impl.update(created.id, outs, news);
      expect(updated.outs).toMatchObject({ tags: ["lab"], configDriveVdiUuid: outs.configDriveVdiUuid, cloudInitHostKey: outs.cloudInitHostKey, hostKeyFingerprint: outs.hostKeyFingerprint });
    } finally {
      await impl.delete(created.id, outs);
    }
    expect(env.sim.refOf(outs.configDriveVdiUuid)).toBeUndefined();
    expectNoLeftovers(env);
  }, 90_000);

  it("keeps no private host key in the partial properties of a kept VM, nor in the error", async () => {
    const { inputs: checked } = await impl.check({}, inputs({ luaInterpreter: "/nonexistent/lua", timeouts: { ready: 5 } }));
    const error = (await impl.create({ ...checked, __provider: "provider-text" }).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
    expect(error.id).toMatch(/^[0-9a-f-]{36}$/);
    const text = JSON.stringify(error.properties);
    expect(text).not.toContain("OPENSSH PRIVATE KEY");
    expect(error.properties).toMatchObject({ configDriveVdiUuid: expect.any(String), hostKeyFingerprint: env.sim.sshGuests!.hostKeyFingerprint(error.id!) });
    expect(`${error.message}\n${error.stack}`).not.toContain("OPENSSH PRIVATE KEY");
    await impl.delete(error.id!, error.properties!);
    expectNoLeftovers(env);
  }, 90_000);
});
