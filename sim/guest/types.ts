/** One network interface of a simulated guest: its VIF device number and the network it sits on. */
export interface GuestNic {
  /** VIF device, "0", "1", … */
  device: string;
  /** uuid of the XAPI network the VIF is attached to. */
  networkUuid: string;
}

/** What the XAPI side hands the guest layer when a VM starts. */
export interface GuestBootSpec {
  vmUuid: string;
  nics: GuestNic[];
  /** From the template's other_config: false means "no guest tools", so metrics never appear. */
  hasGuestTools: boolean;
  /**
   * Set when the VM's image runs cloud-init (a template marked cloud-init-ready): the raw
   * content of its attached non-bootable Disk VBDs, which the guest searches for a NoCloud drive.
   */
  cloudInit?: { drives: Buffer[] };
  /** false when the image has no authorized keys baked in (only what cloud-init injects). Default true. */
  bakedKeys?: boolean;
}

/**
 * Called once the guest "agent" reports, with the VM_guest_metrics.networks map as xapi spells
 * it: { "0/ip": "127.77.0.5", "0/ipv4/0": "127.77.0.5", "1/ip": … }.
 */
export type GuestMetricsListener = (networks: Record<string, string>) => void;

/** The guest layer the XAPI simulator drives: real sshd processes on loopback addresses. */
export interface GuestHost {
  /** Boots the guest: allocates addresses, starts its sshd; reports metrics after the boot delay. */
  start(spec: GuestBootSpec, onMetrics: GuestMetricsListener): Promise<void>;
  /** Hot-plugs a VIF on a running guest; metrics are reported again with the new address. */
  plugNic(vmUuid: string, nic: GuestNic, onMetrics: GuestMetricsListener): Promise<void>;
  /** Hot-unplugs a VIF. */
  unplugNic(vmUuid: string, device: string): Promise<void>;
  /** Halts the guest: stops its sshd and frees its addresses (its disk area is kept). */
  stop(vmUuid: string): Promise<void>;
  /** Forgets a destroyed VM: removes its disk area. */
  destroy(vmUuid: string): Promise<void>;
  /** Stops every guest and removes every file the guest layer made. */
  dispose(): Promise<void>;
}
