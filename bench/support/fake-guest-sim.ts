/**
 * A simulator for provisioning at scale whose guests cost no process each: its fake guests
 * forward SSH to one real guest (sshd with the guest shell and lua5.4) of another simulator, so a
 * create's SSH and Lua readiness checks pass while 20 guests never mean 20 sshd on the machine.
 */
import { destroyXcpngLuaVm, ensureXcpngLuaVm } from "../../sdk/vm/xcpng";
import type { SimulatorOptions } from "../../sim";
import { startTestSim, type SshGuestLogin, type TestSim } from "../../test/support/sim";
import { vmSpec } from "../../test/support/xcpng-inputs";
import { BENCH_DEADLINES } from "./create-batch";

/** Where the fake guests' addresses come from and how long they take to report. */
export interface FakeGuestSimSetup {
  /** Two octets of 127.0.0.0/8 for the fake guests' addresses. */
  addressBase: string;
  /** Delay before a started fake guest reports its address (its boot delay), ms. */
  bootDelayMs: number;
  /** Simulator options over the fast test defaults (e.g. the latency model). */
  simulator?: SimulatorOptions;
}

/** The fake-guest simulator, reached with the backing simulator's guest login. */
export interface FakeGuestSim {
  env: TestSim & SshGuestLogin;
  /** Stops the fake-guest simulator, then destroys the backing guest. */
  stop(): Promise<void>;
}

/**
 * Creates one VM on `backing` (a simulator with sshd guests) and starts a simulator whose fake
 * guests forward SSH to it on the same port, each on its own address under `setup.addressBase`.
 */
export async function startFakeGuestSim(backing: TestSim & SshGuestLogin, setup: FakeGuestSimSetup): Promise<FakeGuestSim> {
  const spec = vmSpec(backing, "bench-backing-guest");
  const guest = await ensureXcpngLuaVm(backing.client, spec, BENCH_DEADLINES);
  const removeGuest = () => destroyXcpngLuaVm(backing.client, guest.vmUuid, spec.owner, { adopted: false }, BENCH_DEADLINES);
  try {
    if (!guest.ipAddress) throw new Error(`fake-guest simulator: backing VM ${guest.vmUuid} reported no address`);
    const fakeGuests = { forwardTo: { host: guest.ipAddress, port: backing.sshPort }, sshPort: backing.sshPort, addressBase: setup.addressBase, reportDelayMs: setup.bootDelayMs };
    const sim = await startTestSim({ ...setup.simulator, guests: false, fakeGuests });
    const login = { keys: backing.keys, user: backing.user, sshPort: backing.sshPort };
    return {
      env: Object.assign(sim, login),
      async stop() {
        try {
          await sim.stop();
        } finally {
          await removeGuest();
        }
      },
    };
  } catch (error) {
    await removeGuest();
    throw error;
  }
}
