export { CloudInitError } from "./errors";
export { buildFatImage, type FatFile, type FatImageOptions } from "./fat-image";
export { SshHostKey, generateSshHostKey } from "./host-key";
export { renderCloudConfig, checkRawUserData, type CloudConfigOptions, type CloudConfigFile } from "./cloud-config";
export { renderMetaData, type MetaDataOptions } from "./meta-data";
export { renderNetworkConfig, type NicNetworkConfig } from "./network-config";
export { buildConfigDrive, CONFIG_DRIVE_LABEL, type ConfigDriveOptions, type ConfigDrive } from "./config-drive";
