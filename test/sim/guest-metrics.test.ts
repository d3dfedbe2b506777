import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { login, ok } from "./raw";

/** Follows one VM's guest metrics through event.from and returns each networks map seen. */
async function networksSeen(url: string, s: string, vm: string, from: string, count: number): Promise<Array<Record<string, string>>> {
  const seen: Array<Record<string, string>> = [];
  let token = from;
  for (let round = 0; seen.length < count; round += 1) {
    if (round === 20) throw new Error(`saw only ${seen.length} of ${count} metrics reports`);
    const batch = await ok(url, "event.from", [s, ["vm_guest_metrics"], token, 10]);
    token = batch.token;
    const metrics = await ok(url, "VM.get_guest_metrics", [s, vm]);
    for (const event of batch.events) {
      if (event.ref === metrics && event.operation !== "del") seen.push(event.snapshot.networks);
    }
  }
  return seen;
}

describe("simulator guest metrics (fake guests)", () => {
  let sim: Simulator;
  let url: string;
  let s: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 }, fakeGuests: { linkLocalFirst: true, reportDelayMs: 1500 } });
    url = sim.url;
    s = await login(sim);
  });
  afterAll(() => sim.stop());

  const runningVm = async (name: string) => {
    const [tpl] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    const [net] = await ok(url, "network.get_by_name_label", [s, SEEDED.managementNetwork]);
    const vm = await ok(url, "VM.clone", [s, tpl, name]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    await ok(url, "VIF.create", [s, { device: "0", network: net, VM: vm, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} }]);
    // Take the token before the start so that every report after it is seen separately.
    const token = (await ok(url, "event.from", [s, ["vm_guest_metrics"], "", 0])).token;
    await ok(url, "VM.start", [s, vm, false, false]);
    return { vm, token };
  };

  it("reports a link-local address first, then the usable one", async () => {
    const { vm, token } = await runningVm("dhcp-race");
    const [first, second] = await networksSeen(url, s, vm, token, 2);
    expect(first["0/ip"]).toMatch(/^169\.254\./);
    expect(first["0/ipv6/0"]).toMatch(/^fe80::/);
    expect(second["0/ip"]).toMatch(/^127\.66\./);
  });

  it("lets tests inject metrics for a running VM", async () => {
    const { vm, token } = await runningVm("injected");
    await networksSeen(url, s, vm, token, 1);
    sim.reportGuestMetrics(vm, { "0/ip": "10.0.0.5", "0/ipv4/0": "10.0.0.5" });
    const metrics = await ok(url, "VM.get_guest_metrics", [s, vm]);
    expect(await ok(url, "VM_guest_metrics.get_networks", [s, metrics])).toEqual({ "0/ip": "10.0.0.5", "0/ipv4/0": "10.0.0.5" });
    await ok(url, "VM.hard_shutdown", [s, vm]);
    expect(() => sim.reportGuestMetrics(vm, {})).toThrow(/not Running/);
  });
});
