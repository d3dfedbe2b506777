import { describe, expect, it } from "vitest";
import {
  createVif,
  destroyVm,
  findTemplate,
  installVm,
  startVm,
  waitForGuestAddresses,
  XapiRecipeError,
} from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { createScriptedGuests } from "./scripted-guests";
import { ownerFor, useRecipeSim } from "./support";

const wait = { deadline: 20_000 };
const guests = createScriptedGuests();
const env = useRecipeSim({ options: { guests }, afterStop: () => guests.dispose() });

/** Runs `body` with a running VM (one VIF on the management network), destroyed afterwards. */
async function withRunningVm(name: string, body: (vm: string, uuid: string) => Promise<void>, template: string = TEMPLATES.cloneReady) {
  const owner = ownerFor(name);
  const tpl = await findTemplate(env.client, template);
  const vm = await installVm(env.client, tpl.ref, { name, mode: "clone", owner });
  try {
    const management = env.sim.objects("network").find((o) => o.record.name_label === SEEDED.managementNetwork)!;
    await createVif(env.client, vm, management.ref, { owner });
    await startVm(env.client, vm, wait);
    await body(vm, env.sim.record("VM", vm)!.uuid);
  } finally {
    await destroyVm(env.client, vm, { owner, cleanTimeoutMs: 5_000, ...wait });
  }
}

describe("waitForGuestAddresses", () => {
  it("never takes a link-local address, and returns the real one once reported", async () => {
    await withRunningVm("link-local", async (vm, uuid) => {
      guests.report(uuid, { "0/ip": "169.254.12.34", "0/ipv4/0": "169.254.12.34", "0/ipv6/0": "fe80::216:3eff:fe00:1" });
      const error = await waitForGuestAddresses(env.client, vm, { deadline: 1_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiRecipeError);
      expect(String(error)).toMatch(/no usable address for device 0 after [\d.]+ s; the guest reported .*169\.254\.12\.34/);
      expect(String(error)).toMatch(/link-local addresses are never used/);

      const pending = waitForGuestAddresses(env.client, vm, wait);
      guests.report(uuid, { "0/ip": "169.254.12.34", "0/ipv4/0": "169.254.12.34", "0/ipv4/1": "10.20.30.40" });
      expect(await pending).toEqual({ "0": "10.20.30.40" });
    });
  });

  it("honours the expected CIDR", async () => {
    await withRunningVm("cidr", async (vm, uuid) => {
      guests.report(uuid, { "0/ipv4/0": "10.0.0.5", "0/ipv4/1": "192.168.7.20", "0/ipv6/0": "fd00::20" });
      expect(await waitForGuestAddresses(env.client, vm, wait)).toEqual({ "0": "10.0.0.5" });
      expect(await waitForGuestAddresses(env.client, vm, { ...wait, expectedCidr: { "0": "192.168.7.0/24" } })).toEqual({
        "0": "192.168.7.20",
      });
      expect(await waitForGuestAddresses(env.client, vm, { ...wait, expectedCidr: { "0": "fd00::/64" } })).toEqual({ "0": "fd00::20" });
      await expect(waitForGuestAddresses(env.client, vm, { deadline: 800, expectedCidr: { "0": "172.16.0.0/12" } })).rejects.toThrow(
        /device 0 in 172\.16\.0\.0\/12/,
      );
    });
  });

  it("waits for every requested device", async () => {
    await withRunningVm("two-nics", async (vm, uuid) => {
      guests.report(uuid, { "0/ip": "10.0.0.5" });
      const pending = waitForGuestAddresses(env.client, vm, { ...wait, devices: ["0", "1"] });
      guests.report(uuid, { "0/ip": "10.0.0.5", "1/ipv4/0": "10.1.0.5" });
      expect(await pending).toEqual({ "0": "10.0.0.5", "1": "10.1.0.5" });
    });
  });

  it("times out with the guest-tools hint when no metrics ever appear", async () => {
    await withRunningVm(
      "no-tools",
      async (vm, uuid) => {
        const error = await waitForGuestAddresses(env.client, vm, { deadline: 1_000 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(XapiRecipeError);
        expect(String(error)).toContain(`VM ${uuid}`);
        expect(String(error)).toMatch(/no guest metrics after [\d.]+ s — are guest tools \(xe-guest-utilities\) installed in the template\?/);
      },
      TEMPLATES.noGuestTools,
    );
  });

  it("stops at once when aborted", async () => {
    await withRunningVm("abort", async (vm) => {
      const controller = new AbortController();
      const pending = waitForGuestAddresses(env.client, vm, { deadline: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(new Error("cancelled by test")), 50);
      const error = await pending.catch((e: unknown) => e);
      expect((error as Error).name).toBe("XapiWaitError");
      expect((error as { reason?: string }).reason).toBe("aborted");
    });
  });

  it("rejects a malformed expected CIDR before waiting", async () => {
    await expect(waitForGuestAddresses(env.client, "OpaqueRef:whatever", { ...wait, expectedCidr: { "0": "10.0.0.0" } })).rejects.toThrow(
      /invalid CIDR "10\.0\.0\.0"/,
    );
  });
});
