/**
 * The `#cloud-config` user-data of a VM: who may log in with which key, the host key sshd must
 * present, the hostname, and the user's own first-boot steps. Never a password.
 */
import { yaml } from "../base/lazy-modules";
import { CloudInitError } from "./errors";
import type { SshHostKey } from "./host-key";
import { checkHostname, checkList, checkObject, checkPublicKey, checkText, checkUserName } from "./validate";

/** One `write_files` entry, passed through to cloud-init. */
export interface CloudConfigFile {
  /** Absolute path in the guest. */
  path: string;
  /** The content (base64 when `encoding` is `b64`). */
  content: string;
  /** Octal mode as a string, e.g. `"0644"`. */
  permissions?: string;
  /** `user:group`. */
  owner?: string;
  /** `b64` when `content` is base64. */
  encoding?: "b64";
  /** Append rather than replace. */
  append?: boolean;
}

/** What {@link renderCloudConfig} puts in the document. */
export interface CloudConfigOptions {
  /** The guest's hostname or FQDN. */
  hostname: string;
  /** The user the keys are for (default `root`); created when missing, its password locked. */
  user?: string;
  /** OpenSSH public key lines allowed to log in as `user` (at least one). */
  authorizedKeys: readonly string[];
  /** The host key sshd must present (its private half goes into `ssh_keys`; cloud-init deletes the template's keys and, given `ssh_keys`, generates none). Without it, cloud-init generates keys and the fingerprint is not known in advance. */
  hostKey?: SshHostKey;
  /** cloud-init's `disable_root`: refuse root logins by key (default: true, false when `user` is root; true with `user` root is an error). */
  disableRoot?: boolean;
  /** A sudoers rule for `user`, e.g. `ALL=(ALL) NOPASSWD:ALL` (not for root). */
  sudo?: string;
  /** Packages to install at first boot. */
  packages?: readonly string[];
  /** Commands to run at first boot: a shell line, or an argv array. */
  runcmd?: ReadonlyArray<string | readonly string[]>;
  /** Files to write at first boot. */
  writeFiles?: readonly CloudConfigFile[];
  /** More cloud-config keys merged into the document (an object or a YAML mapping); none may repeat a key the options produce, and none may set a password. */
  extra?: Record<string, unknown> | string;
}

/** Keys that would set or enable a password: refused in `extra`, never generated. */
const PASSWORD_KEYS = ["password", "chpasswd", "passwd", "hashed_passwd", "plain_text_passwd"];

/**
 * Renders the `#cloud-config` user-data document.
 * @throws CloudInitError naming the offending field, before anything is built.
 */
export function renderCloudConfig(options: CloudConfigOptions): string {
  checkObject(options, "cloudConfig");
  const user = checkUserName(options.user ?? "root");
  const disableRoot = options.disableRoot ?? user !== "root";
  if (typeof disableRoot !== "boolean") throw new CloudInitError("disableRoot", "must be true or false");
  if (user === "root" && disableRoot) throw new CloudInitError("disableRoot", "is true but user is root: the keys would be refused; choose another user or disableRoot: false");
  const document: Record<string, unknown> = {
    hostname: checkHostname(options.hostname),
    users: [userEntry(user, options)],
    disable_root: disableRoot,
    ssh_pwauth: false,
    ...hostKeyEntries(options.hostKey),
  };
  if (options.packages !== undefined) document.packages = checkList(options.packages, "packages", (item, field) => checkText(item, field, { oneLine: true }));
  if (options.runcmd !== undefined) document.runcmd = checkList(options.runcmd, "runcmd", checkCommand);
  if (options.writeFiles !== undefined) document.write_files = checkList(options.writeFiles, "writeFiles", checkWriteFile);
  mergeExtra(document, options.extra);
  return `#cloud-config\n${yaml().stringify(document, { lineWidth: 0 })}`;
}

function userEntry(user: string, options: CloudConfigOptions): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: user,
    lock_passwd: true,
    ssh_authorized_keys: checkList(options.authorizedKeys, "authorizedKeys", checkPublicKey),
  };
  if (options.sudo !== undefined) {
    if (user === "root") throw new CloudInitError("sudo", "does not apply to root");
    entry.sudo = checkText(options.sudo, "sudo", { oneLine: true });
    entry.shell = "/bin/bash";
  }
  return entry;
}

function hostKeyEntries(hostKey: SshHostKey | undefined): Record<string, unknown> {
  if (hostKey === undefined) return {};
  if (typeof hostKey?.revealPrivateKey !== "function" || hostKey.type !== "ed25519") {
    throw new CloudInitError("hostKey", "must be an SshHostKey (from generateSshHostKey or SshHostKey.fromPrivateKey)");
  }
  return {
    ssh_deletekeys: true,
    ssh_keys: { ed25519_private: hostKey.revealPrivateKey(), ed25519_public: hostKey.publicKey },
  };
}

function checkCommand(value: unknown, field: string): string | string[] {
  if (Array.isArray(value)) return checkList(value, field, (arg, at) => (typeof arg === "string" ? arg : checkText(arg, at)));
  return checkText(value, field);
}

function checkWriteFile(value: unknown, field: string): Record<string, unknown> {
  const file = checkObject(value, field);
  const path = checkText(file.path, `${field}.path`, { oneLine: true });
  if (!path.startsWith("/")) throw new CloudInitError(`${field}.path`, `"${path}" must be absolute`);
  if (typeof file.content !== "string") throw new CloudInitError(`${field}.content`, "must be a string");
  const entry: Record<string, unknown> = { path, content: file.content };
  if (file.permissions !== undefined) {
    if (typeof file.permissions !== "string" || !/^0?[0-7]{3,4}$/.test(file.permissions)) throw new CloudInitError(`${field}.permissions`, `${JSON.stringify(file.permissions)} is not an octal mode string such as "0644"`);
    entry.permissions = file.permissions;
  }
  if (file.owner !== undefined) entry.owner = checkText(file.owner, `${field}.owner`, { oneLine: true });
  if (file.encoding !== undefined) {
    if (file.encoding !== "b64") throw new CloudInitError(`${field}.encoding`, 'must be "b64" when given');
    entry.encoding = "b64";
  }
  if (file.append !== undefined) {
    if (typeof file.append !== "boolean") throw new CloudInitError(`${field}.append`, "must be true or false");
    entry.append = file.append;
  }
  const unknown = Object.keys(file).filter((key) => !["path", "content", "permissions", "owner", "encoding", "append"].includes(key));
  if (unknown.length > 0) throw new CloudInitError(`${field}.${unknown[0]}`, "is not a write_files field this generator passes (path, content, permissions, owner, encoding, append)");
  return entry;
}

function mergeExtra(document: Record<string, unknown>, extra: CloudConfigOptions["extra"]): void {
  if (extra === undefined) return;
  let parsed: unknown = extra;
  if (typeof extra === "string") {
    try {
      parsed = yaml().parse(extra);
    } catch (err) {
      throw new CloudInitError("extra", `is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const keys = checkObject(parsed, "extra");
  for (const [key, value] of Object.entries(keys)) {
    if (PASSWORD_KEYS.includes(key)) throw new CloudInitError(`extra.${key}`, "would set a password; this generator only grants SSH keys");
    if (key in document || ["ssh_authorized_keys", "ssh_keys", "fqdn"].includes(key)) {
      throw new CloudInitError(`extra.${key}`, "is set by the generated document; use the matching option instead of extra");
    }
    document[key] = value;
  }
}

/**
 * Checks raw user-data supplied whole (then host-key pinning is the caller's business): a
 * non-empty text in one of cloud-init's formats; a `#cloud-config` one must be a YAML mapping.
 */
export function checkRawUserData(userData: unknown): string {
  const text = checkText(userData, "userData");
  const formats = ["#cloud-config", "#!", "#include", "#cloud-boothook", "#part-handler", "#cloud-config-archive", "## template: jinja", "Content-Type:"];
  if (!formats.some((prefix) => text.startsWith(prefix))) {
    throw new CloudInitError("userData", `must start with one of cloud-init's format markers (${formats.join(", ")})`);
  }
  if (text.startsWith("#cloud-config\n") || text === "#cloud-config") {
    let document: unknown;
    try {
      document = yaml().parse(text);
    } catch (err) {
      throw new CloudInitError("userData", `is a #cloud-config document that is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    if (document !== null) checkObject(document, "userData (#cloud-config document)");
  }
  return text;
}
