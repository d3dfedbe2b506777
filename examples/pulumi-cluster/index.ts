/**
 * Pulumi program: three Lua workers on an XCP-ng pool, a private network between them, and the
 * bioxen-seq rock on each. Pool and SSH come from the `bioxen:*` config (see docs/installation.md):
 *   pulumi config set bioxen:xapiUrl https://pool-master
 *   pulumi config set bioxen:xapiUsername root
 *   pulumi config set --secret bioxen:xapiPassword …
 *   pulumi config set bioxen:xapiTlsFingerprint AB:CD:…
 *   pulumi config set bioxen:sshUser root
 *   pulumi config set --secret bioxen:sshPrivateKey "$(cat ~/.ssh/id_ed25519)"
 *   pulumi config set template bioxen-lua-5.4-cloud-init   # a cloud-init template (docs/installation.md)
 *   # or a template with the key baked in:  pulumi config set cloudInit false
 *   pulumi config set rocksServer http://10.0.0.5:8080/rocks
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterStack } from "./program";

const config = new pulumi.Config();
const { workers, lab } = clusterStack({
  template: config.require("template"),
  managementNetwork: config.get("managementNetwork") ?? "Pool-wide network associated with eth0",
  rocksServer: config.require("rocksServer"),
  size: config.getNumber("size") ?? 3,
  ...(config.getBoolean("cloudInit") === false ? { cloudInit: false as const } : {}),
});

/** SSH address of each worker. */
export const workerAddresses = workers.map((worker) => worker.ipAddress);
/** uuid of the private network. */
export const labNetwork = lab.networkUuid;
/** Each worker's address on the private network. */
export const labAddresses = lab.attachments.apply((attachments) => attachments.map((a) => a.address));
