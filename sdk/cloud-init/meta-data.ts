/** The NoCloud `meta-data` document: which instance this is and its hostname. */
import { yaml } from "../base/lazy-modules";
import { CloudInitError } from "./errors";
import { checkHostname } from "./validate";

/** What `meta-data` says. */
export interface MetaDataOptions {
  /** cloud-init's instance id (the VM uuid): a new id makes cloud-init run its once-per-instance steps again. */
  instanceId: string;
  /** The `local-hostname` (RFC 1123 hostname or FQDN). */
  hostname: string;
}

/** Renders `meta-data` (`instance-id`, `local-hostname`) as YAML. */
export function renderMetaData(options: MetaDataOptions): string {
  const instanceId = options?.instanceId;
  if (typeof instanceId !== "string" || !/^[\x21-\x7e]{1,255}$/.test(instanceId)) {
    throw new CloudInitError("instanceId", `${JSON.stringify(instanceId)} must be 1–255 printable ASCII characters without spaces (the VM uuid)`);
  }
  return yaml().stringify({ "instance-id": instanceId, "local-hostname": checkHostname(options.hostname) });
}
