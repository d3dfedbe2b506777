import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AddressPool } from "../../sim/guest/address-pool";

const PORT = 2291;
const servers: net.Server[] = [];

function listen(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host, port }, () => resolve(server));
    servers.push(server);
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe("AddressPool", () => {
  it("hands out distinct loopback addresses under the base", async () => {
    const pool = new AddressPool("127.91", PORT, 0);
    const addresses = await Promise.all([pool.allocate(), pool.allocate(), pool.allocate()]);
    expect(new Set(addresses).size).toBe(3);
    for (const a of addresses) expect(a).toMatch(/^127\.91\.\d{1,3}\.\d{1,3}$/);
    expect(addresses.every((a) => pool.holds(a))).toBe(true);
  });

  it("skips an address whose port is taken by someone else", async () => {
    await listen("127.91.3.1", PORT); // index 3*254 is 127.91.3.1
    const pool = new AddressPool("127.91", PORT, 3 * 254);
    expect(await pool.allocate()).toBe("127.91.3.2");
  });

  it("never hands out an address that is still held, and moves on after a release", async () => {
    const pool = new AddressPool("127.91", PORT, 255 * 254 + 253); // the last address of the range
    const first = await pool.allocate();
    expect(first).toBe("127.91.255.254");
    const second = await pool.allocate(); // wraps around
    expect(second).toBe("127.91.0.1");
    pool.release(first);
    expect(pool.holds(first)).toBe(false);
    expect(await pool.allocate()).toBe("127.91.0.2");
  });

  it("hands a lease its last address back when that is free, else a fresh one it then keeps", async () => {
    const pool = new AddressPool("127.91", PORT, 10 * 254);
    const first = await pool.allocate("vm-1/0");
    expect(first).toBe("127.91.10.1");
    expect(await pool.allocate("vm-2/0")).toBe("127.91.10.2");
    pool.release(first);
    expect(await pool.allocate("vm-1/0")).toBe(first); // halted and started again: same address
    expect(await pool.allocate("vm-1/0")).toBe("127.91.10.3"); // still held (a second VIF of the lease): walk on
    pool.release(first);
    pool.release("127.91.10.3");
    expect(pool.leased("vm-1/0")).toBe("127.91.10.3");

    const squatter = await listen("127.91.10.3", PORT); // someone else took it while released
    expect(await pool.allocate("vm-1/0")).toBe("127.91.10.4");
    await new Promise((r) => squatter.close(r));
    pool.release("127.91.10.4");
    expect(await pool.allocate("vm-1/0")).toBe("127.91.10.4"); // the lease moved with it

    pool.release("127.91.10.4");
    pool.forget("vm-1/0");
    expect(pool.leased("vm-1/0")).toBeUndefined();
    expect(await pool.allocate("vm-1/0")).toBe("127.91.10.5"); // an expired lease starts afresh
    expect(await pool.allocate()).toBe("127.91.10.6"); // no lease: the walk, remembered for nobody
  });

  it("gives up with a hint when the port is taken on every address", async () => {
    await listen("0.0.0.0", PORT + 1);
    const pool = new AddressPool("127.91", PORT + 1, 0);
    await expect(pool.allocate()).rejects.toThrow(/0\.0\.0\.0:2292/);
  });

  it("accepts only loopback bases", () => {
    expect(() => new AddressPool("10.0", PORT)).toThrow(/127\.0\.0\.0\/8/);
    expect(() => new AddressPool("127.300", PORT)).toThrow(/addressBase/);
  });
});
