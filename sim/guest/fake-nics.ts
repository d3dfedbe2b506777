/**
 * The addresses of fake guests' NICs: bare addresses (nothing listens), or addresses whose SSH
 * port forwards in-process to one shared sshd, so every fake guest answers SSH without a process of its own.
 */
import { AddressPool } from "./address-pool";
import { startForwarder, type ForwardTarget, type TcpForwarder } from "./tcp-forwarder";

/** One plugged fake NIC: its address and, when forwarding, the listener behind it. */
export interface FakeNic {
  address: string;
  forwarder?: TcpForwarder;
}

/** Hands out and takes back fake NICs. */
export interface FakeNicSource {
  plug(vmUuid: string, device: string): Promise<FakeNic>;
  unplug(nic: FakeNic): Promise<void>;
}

/** Bind attempts per NIC: another process may take a probed-free address before the forwarder binds. */
const BIND_ATTEMPTS = 3;

/** Addresses `<base>.x.y` handed out in order, nothing listening (XAPI-only tests). */
export function bareNics(base: string): FakeNicSource {
  let next = 1;
  return {
    async plug() {
      const n = next++;
      return { address: `${base}.${(n >> 8) & 255}.${n & 255}` };
    },
    async unplug() {},
  };
}

/** Free loopback addresses `<base>.x.y`, each with a forwarder on `sshPort` to `target`. */
export function forwardingNics(base: string, sshPort: number, target: ForwardTarget): FakeNicSource {
  const pool = new AddressPool(base, sshPort);
  return {
    async plug(vmUuid, device) {
      const failed = (what: string, error: unknown) =>
        new Error(`fake guest ${vmUuid}: VIF ${device} ${what} (forwarding to ${target.host}:${target.port}): ${(error as Error).message}`, { cause: error });
      for (let attempt = 1; ; attempt += 1) {
        const address = await pool.allocate().catch((error: unknown) => Promise.reject(failed("got no address", error)));
        try {
          return { address, forwarder: await startForwarder(address, sshPort, target) };
        } catch (error) {
          pool.release(address);
          if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && attempt < BIND_ATTEMPTS) continue;
          throw failed(`could not listen on ${address}:${sshPort}, choose another sshPort or addressBase`, error);
        }
      }
    },
    async unplug(nic) {
      await nic.forwarder?.close();
      pool.release(nic.address);
    },
  };
}
