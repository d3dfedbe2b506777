/**
 * A new VM's per-VM identity through cloud-init: the config drive (user-data with the login keys
 * and, by default, an ed25519 host key generated here so its fingerprint is pinned before the VM
 * first boots) is built, uploaded and attached while the VM is still halted.
 */
import { ssh2 } from "../../base/lazy-modules";
import { buildConfigDrive, checkRawUserData, CloudInitError, generateSshHostKey, renderCloudConfig, renderNetworkConfig, SshHostKey, type CloudConfigFile, type NicNetworkConfig } from "../../cloud-init";
import type { WaitOptions } from "../../base/deadline";
import { SshError } from "../../ssh";
import type { XapiClient } from "../../xapi";
import { attachConfigDrive, findRootDisk, type Claim } from "../../xapi/recipes";
import { refByUuidOrName } from "./lookup";
import type { XcpngLuaVmSpec } from "./types";

/** What the VM's cloud-init gets (see docs/resources.md "Cloud-init"). */
export interface XcpngCloudInitSpec {
  /** the user the keys are for (default: `ssh.user`) */
  user?: string;
  /** public key lines allowed to log in (default: the public half of `ssh.privateKey`) */
  authorizedKeys?: string[];
  /** hostname (default: the VM name made a hostname) */
  hostname?: string;
  /** static network settings per NIC (`network-config` v2); none: the image's default (DHCP) */
  networkConfig?: NicNetworkConfig[];
  /** cloud-init `disable_root` (default: true unless the user is root) */
  disableRoot?: boolean;
  /** packages to install at first boot */
  packages?: string[];
  /** commands to run at first boot */
  runcmd?: Array<string | string[]>;
  /** files to write at first boot */
  writeFiles?: CloudConfigFile[];
  /** more cloud-config keys merged into the document (object or YAML mapping) */
  extraUserData?: Record<string, unknown> | string;
  /** raw user-data used whole instead of the generated document: pinning the host key is then the caller's (`ssh.hostKeyFingerprint`) */
  userData?: string;
  /**
   * "generate" (default): a fresh ed25519 host key goes into `ssh_keys` and is pinned from the
   * start; an `SshHostKey`: that key (e.g. one kept from an earlier attempt); "template": the
   * image's own keys, trusted on first use (explicit opt-in).
   */
  hostKey?: "generate" | "template" | SshHostKey;
}

/** What was attached. */
export interface AttachedCloudInit {
  configDriveVdiUuid: string;
  /** the host key handed to the guest (undefined with hostKey "template" or raw userData) */
  hostKey?: SshHostKey;
}

/** Drive size: the smallest the FAT writer makes, ample for user-data. */
const DRIVE_BYTES = 8 * 1024 * 1024;

/**
 * Builds the drive for `vm` (halted, uuid `vmUuid`) and attaches it; the VDI is marked with `claim`.
 * The upload's progress goes to `onProgress` as lines naming the phase and the bytes sent of the total.
 * @throws CloudInitError for bad cloud-init input (before anything is made), XapiRecipeError from the upload
 */
export async function attachCloudInit(client: XapiClient, vm: { ref: string; uuid: string }, spec: XcpngLuaVmSpec, claim: Claim, wait: WaitOptions, onProgress?: (message: string) => void): Promise<AttachedCloudInit> {
  const cloudInit = spec.cloudInit!;
  const hostKey = cloudInit.userData !== undefined || cloudInit.hostKey === "template" ? undefined : cloudInit.hostKey instanceof SshHostKey ? cloudInit.hostKey : generateSshHostKey(`bioxen-luavm ${vm.uuid}`);
  const hostname = cloudInit.hostname ?? hostnameOf(spec.name);
  const userData = cloudInit.userData ?? renderCloudConfig({
    hostname,
    user: cloudInit.user ?? spec.ssh.user,
    authorizedKeys: cloudInit.authorizedKeys ?? [publicKeyOf(spec.ssh.privateKey)],
    hostKey,
    disableRoot: cloudInit.disableRoot,
    packages: cloudInit.packages,
    runcmd: cloudInit.runcmd,
    writeFiles: cloudInit.writeFiles,
    extra: cloudInit.extraUserData,
  });
  const drive = buildConfigDrive({ instanceId: vm.uuid, hostname, userData, networkConfig: cloudInit.networkConfig, sizeBytes: DRIVE_BYTES });
  const sr = spec.sr ? await refByUuidOrName(client, "SR", spec.sr) : String((await findRootDisk(client, vm.ref)).vdiRecord.SR);
  const progress = onProgress && ((sent: number, total: number) => onProgress(uploadProgressLine(vm.uuid, sent, total)));
  const made = await attachConfigDrive(client, vm.ref, { image: drive.image, sr, owner: claim, ...wait, onProgress: progress });
  return { configDriveVdiUuid: made.vdiUuid, hostKey };
}

/** One progress line of the drive's upload: the phase, and bytes sent of the total. */
function uploadProgressLine(vmUuid: string, sentBytes: number, totalBytes: number): string {
  return `VM ${vmUuid}: config drive upload (PUT /import_raw_vdi): ${sentBytes}/${totalBytes} bytes`;
}

/** Stands in for the default login key while checking (the real one is derived at create). */
const PLACEHOLDER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2Ib1ZLuGrZ7+2jd7Y+0AqS9WPAWW6bkqGQvpKm8vXX check";

/**
 * Checks a cloud-init spec before anything exists by rendering what its drive would hold, with a
 * placeholder user, hostname and login key where the VM supplies them at create.
 * @throws CloudInitError whose `field` is named as in the spec (`extraUserData.password`, `networkConfig[0].gateway`)
 */
export function checkCloudInitSpec(cloudInit: Omit<XcpngCloudInitSpec, "hostKey">): void {
  try {
    if (cloudInit.userData !== undefined) checkRawUserData(cloudInit.userData);
    else {
      renderCloudConfig({
        hostname: cloudInit.hostname ?? "check",
        user: cloudInit.user ?? "bioxen",
        authorizedKeys: cloudInit.authorizedKeys ?? [PLACEHOLDER_KEY],
        disableRoot: cloudInit.disableRoot,
        packages: cloudInit.packages,
        runcmd: cloudInit.runcmd,
        writeFiles: cloudInit.writeFiles,
        extra: cloudInit.extraUserData,
      });
    }
    if (cloudInit.networkConfig !== undefined) renderNetworkConfig(cloudInit.networkConfig);
  } catch (error) {
    if (!(error instanceof CloudInitError) || !/^extra\b/.test(error.field)) throw error;
    throw new CloudInitError(error.field.replace(/^extra\b/, "extraUserData"), error.message.replace(/^cloud-init [^:]*: /, ""));
  }
}

/** The public key line of a private key (the default authorized key). */
export function publicKeyOf(privateKey: string): string {
  const parsed = ssh2().utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new CloudInitError("authorizedKeys", "not given, and the SSH private key cannot be read to derive it (give cloudInit.authorizedKeys)");
  return `${key.type} ${key.getPublicSSH().toString("base64")}`;
}

/** A VM name as a hostname: lower case, runs of other characters as "-", at most 63 characters. */
export function hostnameOf(name: string): string {
  const host = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return host || "bioxen-vm";
}

/**
 * A guest that refuses the drive's host key or login key did not apply its config drive: cloud-init
 * boots without a drive it cannot read (malformed or rejected) and an image without cloud-init's
 * NoCloud datasource ignores it. Such an SSH refusal is returned as an SshError that says so;
 * any other error is returned unchanged.
 */
export function explainUnappliedDrive(error: unknown, configDriveVdiUuid: string): unknown {
  const refusal = sshRefusalIn(error);
  if (!refusal) return error;
  const symptom = refusal.reason === "AUTH_FAILED" ? "its sshd refuses the login key the drive authorized" : "its sshd presents another host key than the one the drive installs";
  const detail = refusal.message.slice(refusal.target.length + 2);
  return new SshError(
    refusal.reason,
    refusal.target,
    `the guest did not apply its cloud-init config drive (VDI ${configDriveVdiUuid}): ${symptom} (${detail}). Cloud-init boots without a drive it cannot read (malformed or rejected), and a template without cloud-init's NoCloud datasource ignores it: check the guest's /var/log/cloud-init.log and the template (docs/installation.md, "A cloud-init template")`,
    { cause: error },
  );
}

/** The SSH host key or login refusal in an error's cause chain, if any. */
function sshRefusalIn(error: unknown): SshError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof SshError && (e.reason === "HOST_KEY_MISMATCH" || e.reason === "AUTH_FAILED")) return e;
  }
  return undefined;
}
