import { describe, expect, it } from "vitest";
import { check, diff } from "../../provider/impl/vm-network";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../../provider/runtime/inputs";

const OWNER = "proj/dev/VmNetwork/lab";
const VM_A = "0b7c1f3e-1111-4a6b-9c1d-000000000001";
const VM_B = "0b7c1f3e-2222-4a6b-9c1d-000000000002";
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

async function failuresOf(news: Record<string, unknown>) {
  return (await check({}, { name: "lab", __owner: OWNER, ...news })).failures ?? [];
}

describe("VmNetwork check", () => {
  it("applies the defaults and keeps secret envelopes", async () => {
    const connection = { url: "https://pool.example", username: "root", password: secret("pw") };
    const result = await check({}, { name: "lab", __owner: OWNER, connection, networkUuid: undefined });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ name: "lab", description: "", mtu: 1500, attach: [], __owner: OWNER, connection });
  });

  it.each([
    [{ name: "" }, "name", "must be a non-empty string"],
    [{ name: 5 }, "name", "must be a non-empty string, got 5"],
    [{ name: "a\nb" }, "name", "printable"],
    [{ description: 3 }, "description", "string of at most 1024"],
    [{ mtu: 100000 }, "mtu", "integer from 68 to 9216, got 100000"],
    [{ mtu: 1500.5 }, "mtu", "integer from 68 to 9216"],
    [{ vlan: 7 }, "vlan", "must be an object { pifDevice, tag }"],
    [{ vlan: { pifDevice: "eth0", tag: 5000 } }, "vlan.tag", "integer from 0 to 4094, got 5000"],
    [{ vlan: { pifDevice: "eth 0", tag: 5 } }, "vlan.pifDevice", "PIF device name"],
    [{ vlan: { pifDevice: "eth0", tag: 5, mtu: 1 } }, "vlan.mtu", "not a VLAN field"],
    [{ attach: "vm" }, "attach", "must be a list"],
    [{ attach: [7] }, "attach[0]", "must be an object"],
    [{ attach: [{ vmUuid: "nope" }] }, "attach[0].vmUuid", 'must be a VM uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got "nope"'],
    [{ attach: [{ vmUuid: VM_A }, { vmUuid: VM_A.toUpperCase() }] }, "attach[1].vmUuid", "a second time (already attach[0])"],
    [{ attach: [{ vmUuid: VM_A, expectedCidr: "10.0.0.0/33" }] }, "attach[0].expectedCidr", "must be a CIDR"],
    [{ attach: [{ vmUuid: VM_A, cidr: "10.0.0.0/8" }] }, "attach[0].cidr", "not an attach field"],
    [{ timeouts: { ready: -1 } }, "timeouts.ready", "number of seconds > 0"],
    [{ timeouts: { boot: 5 } }, "timeouts.boot", "not a timeout of this resource"],
    [{ connection: { url: "ftp://x" } }, "connection.url", "http(s) URL"],
    [{ __owner: "" }, "__owner", "must be set by the resource class"],
    [{ colour: "blue" }, "colour", "is not an input of VmNetwork"],
  ])("rejects %j at %s", async (news, property, reason) => {
    const failures = await failuresOf(news);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe(property);
    expect(failures[0]!.reason).toContain(reason);
  });

  it("never echoes a bad password", async () => {
    const failures = await failuresOf({ connection: { password: 12345678 } });
    expect(failures.map((f) => f.property)).toEqual(["connection.password"]);
    expect(JSON.stringify(failures)).not.toContain("12345678");
  });

  it("reports every failure at once", async () => {
    const failures = await failuresOf({ name: "", mtu: 1, vlan: { pifDevice: "", tag: -1 } });
    expect(failures.map((f) => f.property).sort()).toEqual(["mtu", "name", "vlan.pifDevice", "vlan.tag"]);
  });

  it("passes unknown values (preview), whole or nested", async () => {
    for (const news of [
      { name: UNKNOWN, mtu: UNKNOWN, vlan: UNKNOWN, attach: UNKNOWN, connection: UNKNOWN, timeouts: UNKNOWN },
      { vlan: { pifDevice: UNKNOWN, tag: UNKNOWN }, attach: [{ vmUuid: UNKNOWN }, { vmUuid: UNKNOWN }], connection: { url: UNKNOWN } },
    ]) {
      const result = await check({}, { name: "lab", __owner: OWNER, ...news });
      expect(result.failures).toBeUndefined();
    }
    const result = await check({}, { name: "lab", __owner: OWNER, attach: UNKNOWN });
    expect(result.inputs!.attach).toBe(UNKNOWN);
  });
});

describe("VmNetwork diff", () => {
  const olds = {
    name: "lab",
    description: "",
    mtu: 1500,
    attach: [{ vmUuid: VM_A }, { vmUuid: VM_B, expectedCidr: "127.77.0.0/16" }],
    connection: { url: "https://pool.example", username: "root", password: "pw" },
    __owner: OWNER,
    networkUuid: "net-uuid",
    bridge: "xapi1",
    attachments: [],
  };
  const news = { ...olds, networkUuid: undefined, bridge: undefined, attachments: undefined };

  it("sees no change for reordered attach, secret envelopes, defaults and another owner", async () => {
    const same = {
      name: "lab",
      mtu: 1500,
      attach: [{ vmUuid: VM_B, expectedCidr: "127.77.0.0/16" }, { vmUuid: VM_A.toUpperCase() }],
      connection: { url: "https://pool.example", username: "root", password: secret("pw") },
      __owner: "other/owner",
    };
    expect(await diff("net-uuid", olds, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it.each([
    [{ name: "lab2" }, []],
    [{ description: "new" }, []],
    [{ attach: [{ vmUuid: VM_A }] }, []],
    [{ attach: [{ vmUuid: VM_A }, { vmUuid: VM_B }] }, []],
    [{ attach: UNKNOWN }, []],
    [{ attach: [{ vmUuid: VM_A }, { vmUuid: UNKNOWN }] }, []],
    [{ timeouts: { ready: 5 } }, []],
    [{ connection: { url: "https://pool.example", username: "admin", password: "pw" } }, []],
    [{ mtu: 9000 }, ["mtu"]],
    [{ mtu: UNKNOWN }, ["mtu"]],
    [{ vlan: { pifDevice: "eth0", tag: 5 } }, ["vlan"]],
    [{ connection: { url: "https://other.example", username: "root", password: "pw" } }, ["connection"]],
    [{ connection: UNKNOWN }, ["connection"]],
  ])("%j changes with replaces %j", async (change, replaces) => {
    const result = await diff("net-uuid", olds, { ...news, ...change });
    expect(result.changes).toBe(true);
    expect(result.replaces).toEqual(replaces);
    expect(result.deleteBeforeReplace).toBe(false);
  });

  it("deletes before replacing when the same VLAN tag would be needed twice", async () => {
    const vlanOlds = { ...olds, vlan: { pifDevice: "eth0", tag: 42 } };
    expect(await diff("net-uuid", vlanOlds, { ...news, vlan: { pifDevice: "eth0", tag: 42 }, mtu: 9000 })).toEqual({
      changes: true,
      replaces: ["mtu"],
      deleteBeforeReplace: true,
    });
    expect((await diff("net-uuid", vlanOlds, { ...news, vlan: UNKNOWN })).deleteBeforeReplace).toBe(true);
    expect((await diff("net-uuid", vlanOlds, { ...news, vlan: { pifDevice: "eth0", tag: 43 } })).deleteBeforeReplace).toBe(false);
    expect((await diff("net-uuid", vlanOlds, { ...news, vlan: { pifDevice: "eth0", tag: 42 } })).changes).toBe(false);
  });
});
