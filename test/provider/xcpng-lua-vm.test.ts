import { beforeAll, describe, expect, it } from "vitest";
import * as impl from "../../provider/impl/xcpng-lua-vm";
import { setConfiguredValues } from "../../provider/runtime/config";
import { UNKNOWN } from "../../provider/runtime/inputs";
import { TEMPLATES } from "../../sim";
import { expectStrictReplay } from "../support/strict-replay";
import { expectNoLeftovers, type XcpngSim } from "./support/xcpng-sim";
import { useXcpngSim } from "./support/xcpng-suite";
import { configureProviderFor, poolUuidOf, providerInputs, testOwner } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.80", simulator: { recordCalls: true }, provider: true });
let env: XcpngSim;
beforeAll(() => {
  env = sim();
});

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return providerInputs(env, "vm", overrides);
}

async function failuresOf(news: Record<string, unknown>): Promise<string[]> {
  const { failures } = await impl.check({}, news);
  return failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("XcpngLuaVM check", () => {
  it("applies defaults and normalizes tags", async () => {
    const { inputs: checked, failures } = await impl.check({}, inputs({ tags: ["b", "a", "b"] }));
    expect(failures).toEqual([]);
    expect(checked).toMatchObject({ cloneMode: "clone", vcpus: 1, memoryMiB: 512, powerState: "running", allowRestart: false, tags: ["a", "b"] });
  });

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["memory too small", { memoryMiB: -5 }, /^memoryMiB: must be an integer ≥ 128 and ≤ 1048576, got -5$/],
    ["fractional vCPUs", { vcpus: 1.5 }, /^vcpus: must be an integer/],
    ["bad clone mode", { cloneMode: "fork" }, /^cloneMode: must be "clone"/],
    ["no template", { template: undefined }, /^template: is required/],
    ["no networks", { networks: [] }, /^networks: must list 1 to 7/],
    ["bad CIDR", { networks: [{ network: "x", expectedCidr: "10.0.0.0/99" }] }, /^networks\[0\]\.expectedCidr: must be a CIDR/],
    ["unknown network field", { networks: [{ network: "x", mtu: 9000 }] }, /^networks\[0\]\.mtu: is not a network field/],
    ["bad fingerprint", { ssh: { hostKeyFingerprint: "MD5:ab" } }, /^ssh\.hostKeyFingerprint: must be a SHA256/],
    ["bad port", { ssh: { port: 70000 } }, /^ssh\.port: must be an integer ≥ 1 and ≤ 65535/],
    ["bad private key", { ssh: { privateKey: "hunter2" } }, /^ssh\.privateKey: must be private key text.*value not shown$/],
    ["bad interpreter", { luaInterpreter: "lua -e x" }, /^luaInterpreter: .*not a valid command name/],
    ["empty tag", { tags: ["ok", ""] }, /^tags\[1\]: must be a non-empty string/],
    ["bad power state", { powerState: "paused" }, /^powerState: must be "running" or "halted"/],
    ["bad timeout", { timeouts: { create: -1 } }, /^timeouts\.create: must be a number of seconds/],
    ["unknown timeout", { timeouts: { boot: 5 } }, /^timeouts\.boot: is not a timeout/],
    ["bad adopt", { adopt: "vm-1" }, /^adopt: must be the uuid/],
    ["adopt without pin", { adopt: "0f0e0d0c-0b0a-4908-8706-050403020100" }, /^ssh\.hostKeyFingerprint: is required with adopt/],
    ["bad connection url", { connection: { url: "ftp://x" } }, /^connection\.url: must be an http\(s\) URL/],
    ["unknown input", { colour: "red" }, /^colour: is not an input of XcpngLuaVM/],
    ["missing owner", { __owner: undefined }, /^__owner: must be set/],
  ];
  for (const [what, overrides, message] of cases) {
    it(`rejects ${what}`, async () => {
      const failures = await failuresOf(inputs(overrides));
      expect(failures.some((f) => message.test(f)), failures.join("\n")).toBe(true);
    });
  }

  it("never echoes a secret in a failure", async () => {
    const failures = await failuresOf(inputs({ ssh: { privateKey: "hunter2-secret" }, connection: { password: 42 } }));
    expect(failures.join("\n")).not.toContain("hunter2-secret");
  });

  it("accepts unknown values during preview", async () => {
    expect(await failuresOf(inputs({ template: UNKNOWN, networks: [{ network: UNKNOWN }], ssh: UNKNOWN, memoryMiB: UNKNOWN }))).toEqual([]);
  });
});

describe("XcpngLuaVM diff", () => {
  let olds: Record<string, unknown>;
  beforeAll(() => {
    olds = { ...inputs({ tags: ["a", "b"] }), cloneMode: "clone", vcpus: 1, powerState: "running", allowRestart: false, rootDiskGiB: 4, vmUuid: "u" };
  });

  it("reports no change for reordered tags, defaults and secret envelopes", async () => {
    const secretSsh = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: olds.ssh };
    const result = await impl.diff("u", olds, { ...inputs({ tags: ["b", "a", "a"] }), __owner: olds.__owner, ssh: secretSsh });
    expect(result).toMatchObject({ changes: false, replaces: [] });
  });

  it("replaces on template, clone mode and adopt; updates name, tags and power in place", async () => {
    const same = { __owner: olds.__owner, tags: ["a", "b"] };
    expect((await impl.diff("u", olds, inputs({ ...same, template: "other" }))).replaces).toEqual(["template"]);
    expect((await impl.diff("u", olds, inputs({ ...same, cloneMode: "copy" }))).replaces).toEqual(["cloneMode"]);
    expect((await impl.diff("u", olds, inputs({ ...same, template: UNKNOWN }))).replaces).toEqual(["template"]);
    for (const change of [{ name: "new" }, { tags: ["c"] }, { powerState: "halted" }]) {
      expect(await impl.diff("u", olds, inputs({ ...same, ...change }))).toMatchObject({ changes: true, replaces: [] });
    }
  });

  it("refuses memory changes on a running VM without allowRestart, and disk shrinks", async () => {
    const same = { __owner: olds.__owner, tags: ["a", "b"] };
    await expect(impl.diff("u", olds, inputs({ ...same, memoryMiB: 1024 }))).rejects.toThrow(/memoryMiB needs the VM halted.*allowRestart: true/);
    expect(await impl.diff("u", olds, inputs({ ...same, memoryMiB: 1024, allowRestart: true }))).toMatchObject({ changes: true, replaces: [] });
    await expect(impl.diff("u", olds, inputs({ ...same, diskGiB: 2 }))).rejects.toThrow(/disks only grow/);
  });
  it("refuses a root disk growth on a running VM without allowRestart only when its VDI does not allow resize_online", async () => {
    const same = { __owner: olds.__owner, tags: ["a", "b"] };
    await expect(impl.diff("u", olds, inputs({ ...same, diskGiB: 6 }))).rejects.toThrow(/diskGiB needs the VM halted \(its root disk's VDI does not allow resize_online.*allowRestart: true/);
    await expect(impl.diff("u", { ...olds, rootDiskResizeOnline: false }, inputs({ ...same, diskGiB: 6 }))).rejects.toThrow(/diskGiB needs the VM halted/);
    expect(await impl.diff("u", { ...olds, rootDiskResizeOnline: true }, inputs({ ...same, diskGiB: 6 }))).toMatchObject({ changes: true, replaces: [] });
    expect(await impl.diff("u", olds, inputs({ ...same, diskGiB: 6, allowRestart: true }))).toMatchObject({ changes: true, replaces: [] });
  });

  it("sees no change when affinityHost names the observed affinity host by its other name (uuid or name), a change for another host", async () => {
    const same = { __owner: olds.__owner, tags: ["a", "b"] };
    const uuid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const placed = { ...olds, affinityHost: uuid, affinityHostUuid: uuid, affinityHostName: "xcp-sim-2" };
    expect(await impl.diff("u", placed, inputs({ ...same, affinityHost: "xcp-sim-2" }))).toMatchObject({ changes: false });
    expect(await impl.diff("u", placed, inputs({ ...same, affinityHost: uuid.toUpperCase() }))).toMatchObject({ changes: false });
    expect(await impl.diff("u", { ...placed, affinityHost: "xcp-sim-2" }, inputs({ ...same, affinityHost: uuid }))).toMatchObject({ changes: false });
    expect(await impl.diff("u", placed, inputs({ ...same, affinityHost: "xcp-sim-1" }))).toMatchObject({ changes: true, replaces: [] });
    expect(await impl.diff("u", placed, inputs(same))).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("XcpngLuaVM create / read / update / delete against the simulator", () => {
  it("runs the whole lifecycle and returns full outputs", async () => {
    const { inputs: checked } = await impl.check({}, inputs({ tags: ["lab"] }));
    const created = await impl.create(checked);
    try {
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.outs).toMatchObject({ vmUuid: created.id, powerState: "running", memoryMiB: 512, tags: ["lab"], luaLanguageVersion: "5.4", adopted: false });
      // machineId names the pool too: a stack may hold VMs of several pools.
      const machineId = `xcpng:${await poolUuidOf(env)}:${created.id}`;
      expect(created.outs.sshTarget).toEqual({ kind: "ssh", host: created.outs.ipAddress, port: env.sshPort, username: env.user, hostKeyFingerprint: env.sim.sshGuests!.hostKeyFingerprint(created.id), privateKey: env.keys.private, machineId });

      const none = await impl.diff(created.id, created.outs, checked);
      expect(none.changes).toBe(false);

      const news = (await impl.check(checked, { ...checked, memoryMiB: 768, allowRestart: true })).inputs;
      const updated = await impl.update(created.id, created.outs, news);
      expect(updated.outs).toMatchObject({ vmUuid: created.id, memoryMiB: 768, powerState: "running", luaVersion: created.outs.luaVersion, __owner: checked.__owner, sshTarget: { machineId } });

      await env.client.callAsync("VM.hard_shutdown", env.sim.refOf(created.id)!);
      const refreshed = await impl.read(created.id, updated.outs!);
      expect(refreshed.props).toMatchObject({ powerState: "halted", memoryMiB: 768 });
      expect(refreshed.inputs).toMatchObject({ powerState: "halted", template: TEMPLATES.cloneReady });
      expect(refreshed.inputs).not.toHaveProperty("vmUuid");
      expect((await impl.diff(created.id, refreshed.props!, news)).changes).toBe(true);
    } finally {
      await impl.delete(created.id, created.outs);
    }
    expect(await impl.read(created.id, created.outs)).toEqual({});
    await impl.delete(created.id, created.outs);
    expectNoLeftovers(env);
  });

  it("throws with the id and properties when the VM was kept (Lua missing), so the engine records it", async () => {
    const { inputs: checked } = await impl.check({}, inputs({ luaInterpreter: "/nonexistent/lua", timeouts: { ready: 5 }, connection: { url: env.sim.url, username: env.sim.username, password: env.sim.password } }));
    const error = (await impl.create({ ...checked, __provider: "provider-text" }).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
    expect(error.message).toMatch(/lua/i);
    expect(error.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.properties).toMatchObject({ vmUuid: error.id, __provider: "provider-text", luaInterpreter: "/nonexistent/lua" });
    expect(error.message).not.toContain(env.keys.private);
    const recorded = JSON.stringify(error.properties);
    expect(recorded).not.toContain(env.keys.private.split("\n")[1]);
    expect(recorded).not.toContain(env.sim.password);
    await impl.delete(error.id!, error.properties!);
    expectNoLeftovers(env);
  });

  it("names the config key to set when no XAPI connection is configured", async () => {
    setConfiguredValues({ sshUser: env.user });
    try {
      await expect(impl.create((await impl.check({}, inputs())).inputs)).rejects.toThrow(/bioxen:xapiUrl.*BIOXEN_XAPI_URL/);
    } finally {
      configureProviderFor(env);
    }
  });
});

describe("XcpngLuaVM's XAPI calls", () => {
  it("are all ones real xapi accepts: the strict replay of every recorded call (method exists, arity, types)", () => {
    expectStrictReplay(env.sim, ["session.login_with_password", "Async.VM.clone", "VM.set_memory_limits", "VIF.create", "Async.VM.start", "event.from", "VM.destroy"]);
  });
});
