import { beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { XapiClient, XapiWaitError, type XapiEvent } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

describe.each(["json-rpc", "xml-rpc"] as const)("events over %s", (transport) => {
  let sim: Simulator;
  let client: XapiClient;
  let vm: string;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ slaveHost: false }, { pace: "paced", client: false }));
    client = await XapiClient.connect({ ...credentials(sim), transport });
    [vm] = (await client.call("VM.get_all")) as string[];
    return () => client.close();
  });

  it("waitFor sees the current state first", async () => {
    const event = await client.waitFor([`vm/${vm}`], (e) => e.ref === vm, { deadline: 10_000 });
    expect(event).toMatchObject({ class: "vm", ref: vm });
    expect(typeof event.snapshot?.memory_static_max).toBe("number");
  });

  it("waitFor resolves on a later change made by another call", async () => {
    const label = `renamed-${transport}`;
    const waiting = client.waitFor(["vm"], (e) => e.snapshot?.name_label === label, { deadline: 10_000 });
    await client.call("VM.set_name_label", vm, label);
    expect(await waiting).toMatchObject({ ref: vm, operation: "mod" });
  });

  it("waitFor ends at the deadline with XapiWaitError", async () => {
    const error = await client.waitFor(["vm"], () => false, { deadline: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiWaitError);
    expect(error).toMatchObject({ reason: "timeout" });
  });

  it("watchEvents streams events with tokens and stops when the caller aborts", async () => {
    const abort = new AbortController();
    const seen: XapiEvent[] = [];
    const watching = (async () => {
      for await (const event of client.watchEvents(["vm"], { deadline: 30_000, signal: abort.signal })) {
        seen.push(event);
        if (event.snapshot?.name_description === "last") abort.abort();
      }
    })().catch((e: unknown) => e);
    await client.call("VM.set_name_description", vm, "first");
    await client.call("VM.set_name_description", vm, "last");
    const error = await watching;
    expect(error).toBeInstanceOf(XapiWaitError);
    expect(error).toMatchObject({ reason: "aborted" });
    expect(seen.some((e) => e.snapshot?.name_description === "last")).toBe(true);
  });

  it("close ends a pending wait", async () => {
    const other = await XapiClient.connect({ ...credentials(sim), transport });
    const waiting = other.waitFor(["vm"], () => false, { deadline: 60_000 }).catch((e: unknown) => e);
    await other.close();
    expect(await waiting).toBeInstanceOf(XapiWaitError);
  });
});
