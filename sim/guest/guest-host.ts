import { mkdirSync, mkdtempSync, promises as fs } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { AddressPool } from "./address-pool";
import { assertVmId, guestArea, type GuestArea } from "./area-layout";
import { applyCloudInit, type CloudInitOutcome } from "./cloud-init-boot";
import { ensureGuestHostKey } from "./guest-host-key";
import { killGuestProcesses } from "./guest-processes";
import { assertPlainPath, resolveGuestHostOptions, type GuestHostOptions, type ResolvedGuestHostOptions } from "./guest-host-options";
import { networksMap } from "./guest-metrics";
import { writeGuestShell } from "./guest-shell";
import { startGuestSshd } from "./guest-sshd";
import { prepareArea } from "./prepare-area";
import { knownHostsName, type SshdHandle } from "../sshd/launcher";
import { startWatchdog, type Watchdog } from "../sshd/watchdog";
import type { GeneratedKeyFiles } from "../sshd/keys";
import type { GuestBootSpec, GuestHost, GuestMetricsListener, GuestNic } from "./types";

/** A GuestHost plus what tests and benchmarks need to reach its guests. */
export interface SimGuestHost extends GuestHost {
  /** The directory holding every guest area. */
  readonly rootDir: string;
  /** The guest's host key fingerprint ("SHA256:…"); throws before its first start. */
  hostKeyFingerprint(vmUuid: string): string;
  /** The guest's host public key line ("ssh-ed25519 AAAA…"); throws before its first start. */
  hostPublicKey(vmUuid: string): string;
  /** known_hosts text with one line per address the running guest listens on. */
  knownHosts(vmUuid: string): string;
  /** The address of VIF `device` of a running guest, or undefined. */
  address(vmUuid: string, device: string): string | undefined;
  /**
   * Ends the guest's address leases, as when a DHCP lease expires: its NICs keep their addresses
   * while plugged, but the next start or plug gets fresh ones. Without it a guest that halts and
   * starts again gets its last address back per VIF device, when that address is free.
   */
  expireLeases(vmUuid: string): void;
  /** The guest's area (`<rootDir>/<vmUuid>`), which holds its HOME and rocks trees. */
  areaDir(vmUuid: string): string;
  /** What cloud-init did at the guest's last boot (undefined: its image does not run cloud-init, or it never booted). */
  cloudInitOutcome(vmUuid: string): CloudInitOutcome | undefined;
  /** SSH logins every guest sshd accepted since the guest host started (stopped sshds included): SSH dials that authenticated. */
  sshLogins(): number;
}

/** One address of a running guest and the sshd serving it. */
interface PluggedNic {
  address: string;
  sshd: SshdHandle;
}

/** Everything known about one VM: its disk-like area and, while it runs, its NICs and timer. */
interface Guest {
  vmUuid: string;
  area: GuestArea;
  hostKey?: GeneratedKeyFiles;
  /** Whether the image carries the guest host's authorized keys. */
  bakedKeys: boolean;
  /** Keys cloud-init installed (they stay on the "disk" across boots, as ~/.ssh/authorized_keys does). */
  injectedKeys: string[];
  cloudInit?: CloudInitOutcome;
  running: boolean;
  hasGuestTools: boolean;
  booted: boolean;
  nics: Map<string, PluggedNic>;
  listener?: GuestMetricsListener;
  bootTimer?: NodeJS.Timeout;
  /** Operations on one guest run one after another. */
  queue: Promise<unknown>;
}

/** sshd start attempts per NIC: another process may take a probed-free address before sshd binds. */
const BIND_ATTEMPTS = 3;
const DEVICE = /^\d{1,4}$/;

/** Creates the guest layer of the simulator (see GuestHostOptions for defaults). */
export function createGuestHost(options: GuestHostOptions): SimGuestHost {
  return new LoopbackGuestHost(resolveGuestHostOptions(options));
}

/** Guests as real sshd processes on loopback addresses, each confined to its own area. */
class LoopbackGuestHost implements SimGuestHost {
  readonly rootDir: string;
  private readonly madeRootDir: boolean;
  private readonly runDir: string;
  private readonly guestShell: string;
  private readonly pool: AddressPool;
  private readonly guests = new Map<string, Guest>();
  /** VIF devices that hold an address lease, per VM (so expireLeases knows what to forget). */
  private readonly leasedDevices = new Map<string, Set<string>>();
  private disposed?: Promise<void>;
  private readonly watchdog: Watchdog;
  /** Logins of sshds already stopped. */
  private releasedLogins = 0;

  constructor(private readonly options: ResolvedGuestHostOptions) {
    assertLoginShell();
    this.pool = new AddressPool(options.addressBase, options.sshPort);
    this.madeRootDir = options.rootDir === undefined;
    this.rootDir = options.rootDir ?? assertPlainPath(mkdtempSync(path.join(tmpdir(), "bioxen-guests-")));
    // Runtime files live beside the areas; a uuid never starts with ".", so no area collides.
    this.runDir = path.join(this.rootDir, ".guest-host");
    mkdirSync(this.runDir, { recursive: true, mode: 0o700 });
    this.guestShell = writeGuestShell(path.join(this.runDir, "guest-shell.sh"));
    // If this process is killed, the areas (guests' host keys) go too; each sshd has its own watchdog.
    this.watchdog = startWatchdog(0, [this.madeRootDir ? this.rootDir : this.runDir]);
  }

  async start(spec: GuestBootSpec, onMetrics: GuestMetricsListener): Promise<void> {
    const guest = this.guestFor(spec.vmUuid);
    return this.serialize(guest, async () => {
      if (guest.running) throw new Error(`guest ${guest.vmUuid}: start refused, it is already running`);
      const devices = spec.nics.map((nic) => nic.device);
      devices.forEach(checkDevice);
      if (new Set(devices).size !== devices.length) {
        throw new Error(`guest ${guest.vmUuid}: start refused, duplicate VIF devices ${devices.join(",")}`);
      }
      await prepareArea(guest.area);
      guest.bakedKeys = spec.bakedKeys ?? true;
      if (spec.cloudInit) {
        guest.cloudInit = await applyCloudInit(spec.cloudInit.drives, guest.area.sshDir);
        if (guest.cloudInit.applied) guest.injectedKeys = guest.cloudInit.authorizedKeys;
      }
      guest.hostKey = await ensureGuestHostKey(guest.area.sshDir);
      try {
        for (const nic of spec.nics) await this.plugAddress(guest, nic);
      } catch (error) {
        await this.unplugAll(guest);
        throw error;
      }
      guest.running = true;
      guest.hasGuestTools = spec.hasGuestTools;
      guest.listener = onMetrics;
      guest.bootTimer = setTimeout(() => {
        guest.bootTimer = undefined;
        guest.booted = true;
        report(guest);
      }, this.options.bootDelayMs);
    });
  }

  async plugNic(vmUuid: string, nic: GuestNic, onMetrics: GuestMetricsListener): Promise<void> {
    const guest = this.guestFor(vmUuid);
    return this.serialize(guest, async () => {
      checkDevice(nic.device);
      if (!guest.running) throw new Error(`guest ${vmUuid}: cannot plug VIF ${nic.device}, the VM is not running`);
      if (guest.nics.has(nic.device)) throw new Error(`guest ${vmUuid}: VIF ${nic.device} is already plugged`);
      await this.plugAddress(guest, nic);
      guest.listener = onMetrics;
      report(guest);
    });
  }

  async unplugNic(vmUuid: string, device: string): Promise<void> {
    const guest = this.guestFor(vmUuid);
    return this.serialize(guest, async () => {
      const nic = guest.nics.get(device);
      if (!nic) return;
      guest.nics.delete(device);
      await this.release(nic);
      report(guest);
    });
  }

  async stop(vmUuid: string): Promise<void> {
    const guest = this.guestFor(vmUuid);
    return this.serialize(guest, () => this.halt(guest));
  }

  async destroy(vmUuid: string): Promise<void> {
    const guest = this.guestFor(vmUuid);
    return this.serialize(guest, async () => {
      await this.halt(guest);
      await fs.rm(guest.area.root, { recursive: true, force: true });
      this.expireLeases(vmUuid);
      this.guests.delete(vmUuid);
    });
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      const guests = [...this.guests.values()];
      await Promise.allSettled(guests.map((guest) => guest.queue));
      await Promise.all(guests.map((guest) => this.halt(guest)));
      if (this.madeRootDir) {
        await fs.rm(this.rootDir, { recursive: true, force: true });
      } else {
        await Promise.all(guests.map((guest) => fs.rm(guest.area.root, { recursive: true, force: true })));
        await fs.rm(this.runDir, { recursive: true, force: true });
      }
      this.guests.clear();
      await this.watchdog.release();
    })();
    return this.disposed;
  }

  hostKeyFingerprint(vmUuid: string): string {
    return this.hostKeyOf(vmUuid).fingerprint;
  }

  hostPublicKey(vmUuid: string): string {
    return this.hostKeyOf(vmUuid).publicKey;
  }

  knownHosts(vmUuid: string): string {
    const key = this.hostPublicKey(vmUuid).split(/\s+/).slice(0, 2).join(" ");
    const addresses = [...(this.guests.get(vmUuid)?.nics.values() ?? [])].map((nic) => nic.address);
    return addresses.map((address) => `${knownHostsName(address, this.options.sshPort)} ${key}\n`).join("");
  }

  address(vmUuid: string, device: string): string | undefined {
    return this.guests.get(vmUuid)?.nics.get(device)?.address;
  }

  expireLeases(vmUuid: string): void {
    for (const device of this.leasedDevices.get(vmUuid) ?? []) this.pool.forget(leaseOf(vmUuid, device));
    this.leasedDevices.delete(vmUuid);
  }

  areaDir(vmUuid: string): string {
    return guestArea(this.rootDir, vmUuid).root;
  }

  cloudInitOutcome(vmUuid: string): CloudInitOutcome | undefined {
    return this.guests.get(vmUuid)?.cloudInit;
  }

  private hostKeyOf(vmUuid: string): GeneratedKeyFiles {
    const key = this.guests.get(vmUuid)?.hostKey;
    if (!key) throw new Error(`guest ${vmUuid} has no host key yet: it has not been started by this guest host`);
    return key;
  }

  /** The guest's record, made on first use; throws once disposed (callers are async: it rejects). */
  private guestFor(vmUuid: string): Guest {
    if (this.disposed) throw new Error(`guest host is disposed: no more operations (VM ${vmUuid})`);
    assertVmId(vmUuid);
    let guest = this.guests.get(vmUuid);
    if (!guest) {
      const area = guestArea(this.rootDir, vmUuid);
      guest = { vmUuid, area, bakedKeys: true, injectedKeys: [], running: false, hasGuestTools: false, booted: false, nics: new Map(), queue: Promise.resolve() };
      this.guests.set(vmUuid, guest);
    }
    return guest;
  }

  private serialize<T>(guest: Guest, operation: () => Promise<T>): Promise<T> {
    const result = guest.queue.then(operation, operation);
    guest.queue = result.catch(() => undefined);
    return result;
  }

  /** Allocates an address for `nic` and starts an sshd on it, retrying when another process wins the bind. */
  private async plugAddress(guest: Guest, nic: GuestNic): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const address = await this.pool.allocate(leaseOf(guest.vmUuid, nic.device));
      this.leasedDevices.set(guest.vmUuid, (this.leasedDevices.get(guest.vmUuid) ?? new Set()).add(nic.device));
      try {
        const sshd = await startGuestSshd({
          address,
          port: this.options.sshPort,
          authorizedKeys: [...(guest.bakedKeys ? this.options.authorizedKeys : []), ...guest.injectedKeys],
          areaRoot: guest.area.root,
          hostKeyPath: guest.hostKey!.privateKeyPath,
          guestShell: this.guestShell,
          runDir: this.runDir,
        });
        guest.nics.set(nic.device, { address, sshd });
        return;
      } catch (error) {
        this.pool.release(address);
        this.pool.forget(leaseOf(guest.vmUuid, nic.device)); // someone else took it: the retry walks on
        const message = (error as Error).message;
        if (attempt < BIND_ATTEMPTS && /Address already in use|Cannot bind/i.test(message)) continue;
        throw new Error(
          `guest ${guest.vmUuid}: starting sshd for VIF ${nic.device} on ${address}:${this.options.sshPort} failed ` +
            `(attempt ${attempt}): ${message}`,
          { cause: error },
        );
      }
    }
  }

  sshLogins(): number {
    let live = 0;
    for (const guest of this.guests.values()) for (const nic of guest.nics.values()) live += nic.sshd.logins();
    return this.releasedLogins + live;
  }

  private async release(nic: PluggedNic): Promise<void> {
    this.releasedLogins += nic.sshd.logins();
    try {
      await nic.sshd.stop();
    } finally {
      this.pool.release(nic.address);
    }
  }

  private async unplugAll(guest: Guest): Promise<void> {
    const nics = [...guest.nics.values()];
    guest.nics.clear();
    await Promise.all(nics.map((nic) => this.release(nic)));
  }

  /** Stops the guest's sshds and leftover processes, frees its addresses, cancels its boot report; keeps its area. */
  private async halt(guest: Guest): Promise<void> {
    clearTimeout(guest.bootTimer);
    guest.bootTimer = undefined;
    guest.running = false;
    guest.booted = false;
    guest.listener = undefined;
    await this.unplugAll(guest);
    killGuestProcesses(guest.area.root);
  }
}

/** sshd runs every session (our ForceCommand too) through the user's login shell. */
function assertLoginShell(): void {
  const { username, shell } = userInfo();
  if (shell && /\/(nologin|false)$/.test(shell)) {
    throw new Error(
      `guest host: guests log in as ${username}, whose login shell ${shell} refuses every session; ` +
        `run the simulator as a user with a real shell`,
    );
  }
}

/** The address-pool lease of one VIF: a DHCP server's client id, per VM and device. */
function leaseOf(vmUuid: string, device: string): string {
  return `${vmUuid}/${device}`;
}

function checkDevice(device: string): void {
  if (!DEVICE.test(device)) throw new Error(`guest host: VIF device ${JSON.stringify(device)} is not a number like "0"`);
}

/** Tells the listener the guest's current addresses, as a booted guest agent with tools would. */
function report(guest: Guest): void {
  if (!guest.running || !guest.booted || !guest.hasGuestTools || !guest.listener) return;
  const networks = networksMap(new Map([...guest.nics].map(([device, nic]) => [device, nic.address])));
  try {
    guest.listener(networks);
  } catch (error) {
    // It may run from the boot timer, where a throw would take the whole simulator down.
    process.emitWarning(`guest ${guest.vmUuid}: the metrics listener threw: ${(error as Error).message}`);
  }
}
