import { isPortFree } from "./port-probe";

/** Host numbers per third octet: .1 to .254 (no .0 or .255, which look like network/broadcast). */
const HOSTS_PER_BLOCK = 254;
const POOL_SIZE = 256 * HOSTS_PER_BLOCK;
/** Candidates tried per allocation before giving up (something probably holds 0.0.0.0:port). */
const MAX_PROBES = 64;

/** Checks `base` is "127.N" (two octets, loopback only) and returns it. */
function loopbackBase(base: string): string {
  const match = /^127\.(\d{1,3})$/.exec(base);
  if (!match || Number(match[1]) > 255) {
    throw new Error(`guest host: addressBase ${JSON.stringify(base)} must be two octets of 127.0.0.0/8, e.g. "127.77"`);
  }
  return base;
}

/**
 * Hands out loopback addresses `<base>.x.y` (Linux routes all of 127.0.0.0/8 to lo), each
 * unique while held and each checked free on `port` before it is handed out. The walk starts at
 * an offset derived from the process id, so simulators in parallel test workers rarely meet, and
 * moves on, so a released address is not reused soon by someone else.
 *
 * Like a DHCP server's leases, an allocation may name a lease (the guest host uses
 * `<vm uuid>/<VIF device>`): the pool remembers the lease's last address and hands it back when
 * it is free again, so a guest that halts and starts keeps its address; when that address is
 * held or busy the lease moves to a fresh one. `forget` ends a lease (VM destroyed, lease expired).
 */
export class AddressPool {
  private readonly base: string;
  private readonly held = new Set<string>();
  /** Last address per lease name. */
  private readonly leases = new Map<string, string>();
  private next: number;

  /** A pool over `<base>.0.1` … `<base>.255.254`, probing `port` on each candidate. */
  constructor(base: string, private readonly port: number, startIndex = (process.pid * 7919) % POOL_SIZE) {
    this.base = loopbackBase(base);
    this.next = startIndex % POOL_SIZE;
  }

  /**
   * Reserves an address whose port is free: the lease's last address when it is free again,
   * else the next free one on the walk (remembered for the lease). Throws after MAX_PROBES busy
   * candidates.
   */
  async allocate(lease?: string): Promise<string> {
    const address = (await this.renew(lease)) ?? (await this.walk());
    if (lease !== undefined) this.leases.set(lease, address);
    return address;
  }

  /** Ends a lease: its address may still be held, but the next allocation for it starts afresh. */
  forget(lease: string): void {
    this.leases.delete(lease);
  }

  /** The address a lease last had, if any. */
  leased(lease: string): string | undefined {
    return this.leases.get(lease);
  }

  /** The lease's last address, reserved, when nobody holds it and its port is free; else undefined. */
  private async renew(lease: string | undefined): Promise<string | undefined> {
    const last = lease === undefined ? undefined : this.leases.get(lease);
    if (last === undefined || this.held.has(last)) return undefined;
    this.held.add(last); // reserve before the await, as in walk()
    if (await isPortFree(last, this.port)) return last;
    this.held.delete(last);
    return undefined;
  }

  /** Reserves the next address on the walk whose port is free; throws after MAX_PROBES busy candidates. */
  private async walk(): Promise<string> {
    const busy: string[] = [];
    for (let probes = 0; probes < MAX_PROBES; ) {
      const candidate = this.addressAt(this.next);
      this.next = (this.next + 1) % POOL_SIZE;
      if (this.held.has(candidate)) {
        if (this.held.size >= POOL_SIZE) break;
        continue;
      }
      probes += 1;
      this.held.add(candidate); // reserve before the await: concurrent allocations never share
      if (await isPortFree(candidate, this.port)) return candidate;
      this.held.delete(candidate);
      busy.push(candidate);
    }
    throw new Error(
      `guest host: no free loopback address in ${this.base}.0.0/16 for port ${this.port} ` +
        `(${this.held.size} held by this simulator, busy: ${busy.slice(0, 3).join(", ")}…) — ` +
        `is something listening on 0.0.0.0:${this.port}? Choose another sshPort or addressBase.`,
    );
  }

  /** Gives an address back; unknown addresses are ignored. */
  release(address: string): void {
    this.held.delete(address);
  }

  /** Whether this pool currently holds `address`. */
  holds(address: string): boolean {
    return this.held.has(address);
  }

  private addressAt(index: number): string {
    return `${this.base}.${Math.floor(index / HOSTS_PER_BLOCK)}.${(index % HOSTS_PER_BLOCK) + 1}`;
  }
}
