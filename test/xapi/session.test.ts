import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { XapiClient, XapiError } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

const LOGIN = "session.login_with_password";

describe.each(["json-rpc", "xml-rpc"] as const)("sessions over %s", (transport) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({}, { pace: "paced", client: false }));
  });
  afterEach(() => sim.faults.clear());

  const connect = (url = sim.url) => XapiClient.connect({ ...credentials(sim), url, transport });

  it("logs in again once after SESSION_INVALID and retries the call", async () => {
    const client = await connect();
    try {
      const first = client.sessionRef;
      sim.expireSessions();
      expect(await client.call("pool.get_all")).toHaveLength(1);
      expect(client.sessionRef).not.toBe(first);
      expect(client.callCount(LOGIN)).toBe(2);
    } finally {
      await client.close();
    }
    expect(sim.sessionCount()).toBe(0);
  });

  it("collapses the re-logins of concurrent calls into one", async () => {
    const client = await connect();
    try {
      sim.expireSessions();
      const results = await Promise.all(Array.from({ length: 6 }, () => client.call("host.get_all")));
      expect(results.every((hosts) => Array.isArray(hosts) && hosts.length === 2)).toBe(true);
      expect(client.callCount(LOGIN)).toBe(2);
      expect(sim.sessionCount()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("retries only once: a second SESSION_INVALID reaches the caller", async () => {
    const client = await connect();
    const sessionsBefore = sim.sessionCount();
    try {
      sim.faults.add({ kind: "fail", method: "VM.get_all", code: "SESSION_INVALID", params: ["OpaqueRef:x"], times: 2 });
      await expect(client.call("VM.get_all")).rejects.toMatchObject({ xapiCode: "SESSION_INVALID", method: "VM.get_all" });
      expect(client.callCount(LOGIN)).toBe(2);
      expect(client.callCount("VM.get_all")).toBe(2);
    } finally {
      await client.close();
    }
    // The injected SESSION_INVALID left the first session alive on the simulator (a real one
    // would be dead): the renewal logged it out, and close() the second; none is left.
    expect(sim.sessionCount()).toBe(sessionsBefore - 1);
    sim.expireSessions();
  });

  it("close() waits for the logout of a session refused earlier, however slow", async () => {
    const client = await connect();
    const sessionsBefore = sim.sessionCount();
    try {
      sim.faults.add({ kind: "fail", method: "VM.get_all", code: "SESSION_INVALID", params: ["OpaqueRef:x"] });
      sim.faults.stall("session.logout", 500);
      await client.call("VM.get_all");
    } finally {
      await client.close();
    }
    expect(sim.sessionCount()).toBe(sessionsBefore - 1);
  });

  it("follows HOST_IS_SLAVE from a pool member to the master", async () => {
    expect(sim.slaveUrl).toBeDefined();
    const client = await connect(sim.slaveUrl);
    try {
      expect(client.poolMasterUrl).toBe(sim.url);
      expect(await client.call("pool.get_all")).toHaveLength(1);
    } finally {
      await client.close();
    }
    expect(sim.sessionCount()).toBe(0);
  });

  it("follows HOST_IS_SLAVE answered to a call, then logs in on the master", async () => {
    const client = await connect();
    try {
      const master = new URL(sim.url).hostname;
      sim.faults.add({ kind: "fail", method: "VM.get_all", code: "HOST_IS_SLAVE", params: [master] });
      expect(await client.call("VM.get_all")).toEqual(expect.any(Array));
      expect(client.poolMasterUrl).toBe(sim.url);
      expect(client.callCount(LOGIN)).toBe(2);
    } finally {
      await client.close();
    }
    expect(sim.sessionCount()).toBe(0);
  });

  it("follows up to 2 redirects and gives up on the third", async () => {
    const master = new URL(sim.url).hostname;
    sim.faults.add({ kind: "fail", method: LOGIN, code: "HOST_IS_SLAVE", params: [master], times: 2 });
    const client = await connect();
    await client.close();
    sim.faults.add({ kind: "fail", method: LOGIN, code: "HOST_IS_SLAVE", params: [master], times: 3 });
    await expect(connect()).rejects.toMatchObject({ xapiCode: "HOST_IS_SLAVE", params: [master] });
    // Exactly three login attempts used the three faults up: the next connect succeeds at once.
    const next = await connect();
    expect(next.callCount(LOGIN)).toBe(1);
    await next.close();
    expect(sim.sessionCount()).toBe(0);
  });

  it("stops after 2 redirects when members point at each other", async () => {
    const member = new URL(sim.slaveUrl!).hostname;
    sim.faults.add({ kind: "fail", method: LOGIN, code: "HOST_IS_SLAVE", params: [member], times: 10 });
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiError);
    expect(error).toMatchObject({ xapiCode: "HOST_IS_SLAVE", method: LOGIN });
    expect(sim.sessionCount()).toBe(0);
  });
});
