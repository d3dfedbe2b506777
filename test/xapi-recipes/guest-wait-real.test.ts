import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import {
  createPrivateNetwork,
  createVif,
  destroyNetwork,
  destroyVm,
  findTemplate,
  installVm,
  startVm,
  waitForGuestAddresses,
} from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const SSH_PORT = 2222;
const wait = { deadline: 30_000 };
const env = useRecipeSim({ options: { guests: undefined, guest: { authorizedKeys: [], sshPort: SSH_PORT, bootDelayMs: 300 } } });

/** The first line a TCP server at address:port sends (an sshd sends its version banner). */
function bannerOf(address: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, timeout: 10_000 });
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("\n")) {
        socket.destroy();
        resolve(text.split(/\r?\n/)[0]!);
      }
    });
    socket.on("timeout", () => socket.destroy(new Error(`no banner from ${address}:${port}`)));
    socket.on("error", reject);
  });
}

describe("waitForGuestAddresses with real guests", () => {
  it("returns the address a real sshd answers on, and a hot-plugged NIC's address", async () => {
    const owner = ownerFor("real");
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    const vm = await installVm(env.client, tpl.ref, { name: "real-guest", mode: "clone", owner });
    const lab = await createPrivateNetwork(env.client, { name: "real-lab", owner });
    try {
      const management = env.sim.objects("network").find((o) => o.record.name_label === SEEDED.managementNetwork)!;
      await createVif(env.client, vm, management.ref, { owner });
      await startVm(env.client, vm, wait);

      const first = await waitForGuestAddresses(env.client, vm, { ...wait, expectedCidr: { "0": "127.77.0.0/16" } });
      expect(first["0"]).toMatch(/^127\.77\.\d+\.\d+$/);
      expect(await bannerOf(first["0"]!, SSH_PORT)).toMatch(/^SSH-2\.0-/);

      await createVif(env.client, vm, lab, { owner, device: "1" });
      const both = await waitForGuestAddresses(env.client, vm, { ...wait, devices: ["0", "1"] });
      expect(both["0"]).toBe(first["0"]);
      expect(both["1"]).toMatch(/^127\.77\.\d+\.\d+$/);
      expect(both["1"]).not.toBe(both["0"]);
    } finally {
      await destroyVm(env.client, vm, { owner, cleanTimeoutMs: 10_000, ...wait });
      await destroyNetwork(env.client, lab, { owner });
    }
  });
});
