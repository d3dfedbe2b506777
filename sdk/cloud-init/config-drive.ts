/** The NoCloud config drive: a FAT volume labelled `cidata` with `user-data`, `meta-data` and `network-config`. */
import { buildFatImage } from "./fat-image";
import { renderMetaData } from "./meta-data";
import { renderNetworkConfig, type NicNetworkConfig } from "./network-config";
import { checkRawUserData } from "./cloud-config";

/** The label cloud-init's NoCloud data source looks for. */
export const CONFIG_DRIVE_LABEL = "cidata";

/** What goes on the drive. */
export interface ConfigDriveOptions {
  /** `instance-id` in meta-data: the VM uuid. */
  instanceId: string;
  /** `local-hostname` in meta-data. */
  hostname: string;
  /** The user-data: `renderCloudConfig(…)`'s output, or raw user-data in any cloud-init format. */
  userData: string;
  /** Static network settings per NIC; omitted: no `network-config` file (the image's own defaults, usually DHCP). */
  networkConfig?: readonly NicNetworkConfig[];
  /** Image size, a whole number of MiB from 4 to 256 (default 8 MiB). */
  sizeBytes?: number;
  /** The files' timestamp (default now). */
  timestamp?: Date;
}

/** A built config drive: the raw disk image and the documents on it. */
export interface ConfigDrive {
  /** The raw image, for a VDI of exactly this size (`import_raw_vdi` with `format=raw`). */
  image: Buffer;
  /** The files on the drive, as written. */
  files: { "user-data": string; "meta-data": string; "network-config"?: string };
}

/**
 * Validates everything, then builds the drive in memory.
 * @throws CloudInitError naming the offending field; nothing is built then.
 */
export function buildConfigDrive(options: ConfigDriveOptions): ConfigDrive {
  const files: ConfigDrive["files"] = {
    "user-data": checkRawUserData(options.userData),
    "meta-data": renderMetaData({ instanceId: options.instanceId, hostname: options.hostname }),
  };
  if (options.networkConfig !== undefined) files["network-config"] = renderNetworkConfig(options.networkConfig);
  const image = buildFatImage({
    label: CONFIG_DRIVE_LABEL,
    files: Object.entries(files).map(([name, content]) => ({ name, content })),
    sizeBytes: options.sizeBytes,
    timestamp: options.timestamp,
  });
  return { image, files };
}
