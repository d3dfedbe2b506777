import * as net from "node:net";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { createFakeGuestHost, SEEDED, startSimulator, TEMPLATES, type Simulator } from "../../sim";
import type { GuestHost } from "../../sim/guest";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { sshTargetOptions } from "../support/ssh-target";
import { login, ok } from "./raw";

/** Fake guest addresses of this suite (127.97.x.y), apart from the other suites' ranges. */
const ADDRESS_BASE = "127.97";

/** Boots fake guest `vmUuid` with one NIC and resolves its reported address. */
function bootOne(host: GuestHost, vmUuid: string): Promise<string> {
  return new Promise((resolve, reject) => {
    host.start({ vmUuid, nics: [{ device: "0", networkUuid: "net" }], hasGuestTools: true }, (networks) => resolve(networks["0/ip"]!)).catch(reject);
  });
}

/** The login user the shared sshd reports for `id -un`, over SSH to the guest address. */
async function whoamiThrough(sshd: TestSshd, address: string, port: number): Promise<string> {
  const target = sshTarget(sshTargetOptions(sshd, { host: address, port, dialTimeoutMs: 5_000 }));
  try {
    return (await target.exec(["id", "-un"])).stdout.trim();
  } finally {
    await target.close();
  }
}

/** A raw TCP connection to `address:port`, resolved once the server's first bytes (the SSH banner) arrived. */
async function openRaw(address: string, port: number): Promise<{ socket: net.Socket; banner: string }> {
  const socket = net.connect({ host: address, port });
  const [chunk] = (await once(socket, "data")) as [Buffer];
  return { socket, banner: chunk.toString("latin1") };
}

/** The error code of a fresh connection to `address:port` (undefined when it connects). */
async function connectError(address: string, port: number): Promise<string | undefined> {
  const socket = net.connect({ host: address, port });
  try {
    await once(socket, "connect");
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  } finally {
    socket.destroy();
  }
}

describe("fake guests forwarding SSH to one shared sshd", () => {
  let sshd: TestSshd;

  beforeAll(async () => {
    sshd = await startTestSshd();
  });
  afterAll(async () => {
    await closeAllSshConnections();
    await sshd.stop();
  });

  it("gives each guest its own address that reaches the shared sshd; stop closes the listener and its connections", async () => {
    const host = createFakeGuestHost({ forwardTo: { host: sshd.host, port: sshd.port }, sshPort: sshd.port, addressBase: ADDRESS_BASE });
    try {
      const [first, second] = await Promise.all([bootOne(host, "vm-a"), bootOne(host, "vm-b")]);
      expect(first).toMatch(/^127\.97\./);
      expect(second).toMatch(/^127\.97\./);
      expect(first).not.toBe(second);
      expect(await whoamiThrough(sshd, first, sshd.port)).toBe(sshd.username);
      expect(await whoamiThrough(sshd, second, sshd.port)).toBe(sshd.username);

      const open = await openRaw(first, sshd.port);
      expect(open.banner).toMatch(/^SSH-2\.0-/);
      const closed = once(open.socket, "close");
      await host.stop("vm-a");
      await closed;
      expect(await connectError(first, sshd.port)).toBe("ECONNREFUSED");
      expect(await whoamiThrough(sshd, second, sshd.port)).toBe(sshd.username);
    } finally {
      await host.dispose();
    }
  });

  it("dispose closes every guest's listener", async () => {
    const host = createFakeGuestHost({ forwardTo: { host: sshd.host, port: sshd.port }, sshPort: sshd.port, addressBase: ADDRESS_BASE });
    const address = await bootOne(host, "vm-c");
    expect(await connectError(address, sshd.port)).toBeUndefined();
    await host.dispose();
    expect(await connectError(address, sshd.port)).toBe("ECONNREFUSED");
  });

  it("fails start with the VM, VIF and port when no address can listen", async () => {
    const blocker = net.createServer();
    blocker.listen({ host: "0.0.0.0", port: 0 });
    await once(blocker, "listening");
    const port = (blocker.address() as net.AddressInfo).port;
    const host = createFakeGuestHost({ forwardTo: { host: sshd.host, port: sshd.port }, sshPort: port, addressBase: ADDRESS_BASE });
    try {
      await expect(bootOne(host, "vm-blocked")).rejects.toThrow(new RegExp(`fake guest vm-blocked: VIF 0 got no address .*${port}`));
    } finally {
      await host.dispose();
      blocker.close();
    }
  });

  describe("in the simulator", () => {
    let sim: Simulator;
    let url: string;
    let s: string;

    beforeAll(async () => {
      sim = await startSimulator({ guests: false, slaveHost: false, latency: { scale: 0 }, fakeGuests: { forwardTo: { host: sshd.host, port: sshd.port }, sshPort: sshd.port, addressBase: ADDRESS_BASE } });
      url = sim.url;
      s = await login(sim);
    });
    afterAll(() => sim.stop());

    /** Device 0's address once the VM's guest metrics arrive (waiting on event.from from `token`). */
    const reportedAddress = async (vm: string, token: string): Promise<string> => {
      for (let from = token; ; ) {
        const metrics = await ok(url, "VM.get_guest_metrics", [s, vm]);
        if (metrics !== "OpaqueRef:NULL") return (await ok(url, "VM_guest_metrics.get_networks", [s, metrics]))["0/ip"];
        from = (await ok(url, "event.from", [s, ["vm_guest_metrics"], from, 10])).token;
      }
    };

    it("a started VM's reported address answers SSH until the VM halts", async () => {
      const [tpl] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
      const [network] = await ok(url, "network.get_by_name_label", [s, SEEDED.managementNetwork]);
      const vm = await ok(url, "VM.clone", [s, tpl, "forwarded"]);
      await ok(url, "VM.set_is_a_template", [s, vm, false]);
      await ok(url, "VIF.create", [s, { device: "0", network, VM: vm, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} }]);
      const token = (await ok(url, "event.from", [s, ["vm_guest_metrics"], "", 0])).token;
      await ok(url, "VM.start", [s, vm, false, false]);
      const address = await reportedAddress(vm, token);
      expect(await whoamiThrough(sshd, address, sshd.port)).toBe(sshd.username);
      await ok(url, "VM.hard_shutdown", [s, vm]);
      expect(await connectError(address, sshd.port)).toBe("ECONNREFUSED");
    });
  });
});
