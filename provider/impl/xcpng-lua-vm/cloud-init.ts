/**
 * XcpngLuaVM's `cloudInit` input: checked by rendering it (sdk/vm/xcpng `checkCloudInitSpec`),
 * mapped to the sdk spec, and the outputs it adds (`configDriveVdiUuid`, the secret
 * `cloudInitHostKey`). Pure: no network.
 */
import { CloudInitError } from "../../../sdk/cloud-init";
import { checkCloudInitSpec, type XcpngCloudInitSpec, type XcpngLuaVmState } from "../../../sdk/vm/xcpng";
import { failure, isUnknown, reveal, shown, type CheckFailure } from "../../runtime/inputs";

/** The `cloudInit` input as stored (a JSON object). */
export type CloudInitInput = Omit<XcpngCloudInitSpec, "hostKey"> & { hostKey?: "generate" | "template" };

const FIELDS = ["user", "authorizedKeys", "hostname", "networkConfig", "disableRoot", "packages", "runcmd", "writeFiles", "extraUserData", "userData", "hostKey"];

/**
 * Check failures of the `cloudInit` input (`pinned`: ssh.hostKeyFingerprint is given).
 * Unknown values pass; messages never quote user-data.
 */
export function cloudInitFailures(value: unknown, pinned: boolean): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  const input = reveal<Record<string, unknown>>(value);
  if (input === null || typeof input !== "object" || Array.isArray(input)) return [failure("cloudInit", `must be { ${FIELDS.join("?, ")}? }, got ${shown(typeof input)}`)];
  const unknownField = Object.keys(input).find((key) => !FIELDS.includes(key));
  if (unknownField) return [failure(`cloudInit.${unknownField}`, `is not a cloudInit field (${FIELDS.join(", ")})`)];
  if (Object.values(input).some(isUnknown)) return [];
  const cloudInit = input as CloudInitInput;
  if (cloudInit.hostKey !== undefined && cloudInit.hostKey !== "generate" && cloudInit.hostKey !== "template") {
    return [failure("cloudInit.hostKey", `must be "generate" (default: a per-VM key pinned before the first boot) or "template" (the image's keys, trusted on first use), got ${shown(cloudInit.hostKey)}`)];
  }
  if (cloudInit.userData !== undefined && cloudInit.hostKey !== "template" && !pinned) {
    return [failure("cloudInit.userData", 'raw user-data carries no host key of ours: pin ssh.hostKeyFingerprint to the key your user-data installs, or set cloudInit.hostKey: "template" to trust the first key seen')];
  }
  try {
    checkCloudInitSpec(cloudInit);
  } catch (error) {
    if (error instanceof CloudInitError) return [failure(`cloudInit.${error.field}`, error.message.replace(/^cloud-init [^:]*: /, ""))];
    throw error;
  }
  return [];
}

/** The sdk spec of a checked `cloudInit` input. */
export function cloudInitSpecOf(value: unknown): XcpngCloudInitSpec | undefined {
  const input = reveal<CloudInitInput | undefined>(value);
  return input === undefined ? undefined : { ...input };
}

/** The outputs the cloud-init drive adds: the VDI's uuid and, as a secret output, the host key handed to the guest. */
export function cloudInitOutputs(state: XcpngLuaVmState, previous: Record<string, unknown>): Record<string, unknown> {
  const key = state.cloudInitHostKey;
  return {
    configDriveVdiUuid: state.configDriveVdiUuid ?? previous.configDriveVdiUuid,
    cloudInitHostKey: key ? { privateKey: key.revealPrivateKey(), publicKey: key.publicKey, fingerprint: key.fingerprint } : previous.cloudInitHostKey,
  };
}
