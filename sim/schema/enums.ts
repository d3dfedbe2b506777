/** Datamodel enums, with the datamodel's spelling (the wire carries exactly these strings). */
import { T } from "./types";

/** `vm_power_state`. */
export const powerState = T.enumOf("vm_power_state", ["Halted", "Paused", "Running", "Suspended"]);
/** `on_normal_exit`. */
export const onNormalExit = T.enumOf("on_normal_exit", ["destroy", "restart"]);
/** `on_crash_behaviour`. */
export const onCrash = T.enumOf("on_crash_behaviour", [
  "destroy",
  "coredump_and_destroy",
  "restart",
  "coredump_and_restart",
  "preserve",
  "rename_restart",
]);
/** `domain_type`. */
export const domainType = T.enumOf("domain_type", ["hvm", "pv", "pv_in_pvh", "pvh", "unspecified"]);
/** `vdi_type`. */
export const vdiType = T.enumOf("vdi_type", [
  "system",
  "user",
  "ephemeral",
  "suspend",
  "crashdump",
  "ha_statefile",
  "metadata",
  "redo_log",
  "rrd",
  "pvs_cache",
  "cbt_metadata",
]);
/** `on_boot`. */
export const onBoot = T.enumOf("on_boot", ["reset", "persist"]);
/** `vbd_mode`. */
export const vbdMode = T.enumOf("vbd_mode", ["RO", "RW"]);
/** `vbd_type`. */
export const vbdType = T.enumOf("vbd_type", ["CD", "Disk", "Floppy"]);
/** `vif_locking_mode`. */
export const vifLockingMode = T.enumOf("vif_locking_mode", ["network_default", "locked", "unlocked", "disabled"]);
/** `vif_ipv4_configuration_mode`. */
export const vifIpv4Mode = T.enumOf("vif_ipv4_configuration_mode", ["None", "Static"]);
/** `vif_ipv6_configuration_mode`. */
export const vifIpv6Mode = T.enumOf("vif_ipv6_configuration_mode", ["None", "Static"]);
/** `ip_configuration_mode`. */
export const ipMode = T.enumOf("ip_configuration_mode", ["None", "DHCP", "Static"]);
/** `ipv6_configuration_mode`. */
export const ipv6Mode = T.enumOf("ipv6_configuration_mode", ["None", "DHCP", "Static", "Autoconf"]);
/** `primary_address_type`. */
export const primaryAddressType = T.enumOf("primary_address_type", ["IPv4", "IPv6"]);
/** `task_status_type`. */
export const taskStatus = T.enumOf("task_status_type", ["pending", "success", "failure", "cancelling", "cancelled"]);
/** `console_protocol`. */
export const consoleProtocol = T.enumOf("console_protocol", ["vt100", "rfb", "rdp"]);
/** `tristate_type`. */
export const tristate = T.enumOf("tristate_type", ["yes", "no", "unspecified"]);
/** `network_default_locking_mode`. */
export const networkLockingMode = T.enumOf("network_default_locking_mode", ["unlocked", "disabled"]);
/** `network_purpose`. */
export const networkPurpose = T.enumOf("network_purpose", ["nbd", "insecure_nbd"]);
