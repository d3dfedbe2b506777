/**
 * Issue #15 item 7: xapi's TOO_MANY_PENDING_TASKS (a call or its task refused before anything
 * was done) is backed off and retried within the call's deadline, on both transports; a pool that
 * stays busy past the deadline gets the refusal back.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEMPLATES, type Simulator } from "../../sim";
import { XapiClient, XapiError } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

describe.each(["json-rpc", "xml-rpc"] as const)("TOO_MANY_PENDING_TASKS over %s", (transport) => {
  let sim: Simulator;
  let client: XapiClient;
  let template: string;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ slaveHost: false }, { client: false }));
    client = await XapiClient.connect({ ...credentials(sim), transport });
    [template] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
    return () => client.close();
  });
  afterEach(() => sim.faults.clear());

  it("starts a task again after its task failed with it, and returns the result", async () => {
    const before = client.callCount("Async.VM.clone");
    sim.faults.add({ method: "VM.clone", code: "TOO_MANY_PENDING_TASKS", times: 2 });
    const clone = (await client.callAsync("VM.clone", template!, `busy-clone-${transport}`)) as string;
    expect(client.callCount("Async.VM.clone") - before).toBe(3);
    expect(await client.call("VM.get_name_label", clone)).toBe(`busy-clone-${transport}`);
    expect(sim.objects("VM").filter((o) => o.record.name_label === `busy-clone-${transport}`)).toHaveLength(1);
    expect(sim.objects("task")).toHaveLength(0);
    await client.call("VM.destroy", clone);
  });

  it("sends a plain call again after it was refused with it", async () => {
    const before = client.callCount("VM.get_all");
    sim.faults.add({ method: "VM.get_all", code: "TOO_MANY_PENDING_TASKS", times: 2 });
    expect(Array.isArray(await client.call("VM.get_all"))).toBe(true);
    expect(client.callCount("VM.get_all") - before).toBe(3);
  });

  it("gives the refusal back when the pool stays busy past the call's deadline", async () => {
    sim.faults.add({ method: "VM.get_all", code: "TOO_MANY_PENDING_TASKS", times: Infinity });
    const started = Date.now();
    const refused = await client.callWith({ deadline: 1_500 }, "VM.get_all").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(XapiError);
    expect((refused as XapiError).xapiCode).toBe("TOO_MANY_PENDING_TASKS");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("does not retry other failures", async () => {
    const before = client.callCount("VM.get_all");
    sim.faults.add({ method: "VM.get_all", code: "INTERNAL_ERROR", params: ["boom"] });
    await expect(client.call("VM.get_all")).rejects.toMatchObject({ xapiCode: "INTERNAL_ERROR" });
    expect(client.callCount("VM.get_all") - before).toBe(1);
  });
});
