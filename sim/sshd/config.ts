import { existsSync } from "node:fs";

/** Everything the sshd_config renderer needs; paths are absolute and inside the handle's temp dir. */
export interface SshdConfigInput {
  addresses: readonly string[];
  port: number;
  hostKeyPath: string;
  pidFilePath: string;
  authorizedKeysPath: string;
  passwordAuthentication: boolean;
  maxSessions: number;
  forceCommand?: string;
  setEnv?: Readonly<Record<string, string>>;
}

/** Debian's external SFTP server; used so a ForceCommand wrapper can exec it (internal-sftp cannot be). */
const EXTERNAL_SFTP_SERVER = "/usr/lib/openssh/sftp-server";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters sshd_config cannot carry safely inside one token. */
const UNSAFE_CONFIG_VALUE = /[\n\r"\\]/;

/** Renders a self-contained sshd_config for one test or guest sshd. */
export function renderSshdConfig(input: SshdConfigInput): string {
  const lines = [
    `Port ${input.port}`,
    ...input.addresses.map((address) => `ListenAddress ${formatListenAddress(address, input.port)}`),
    `HostKey ${checkedValue("HostKey", input.hostKeyPath)}`,
    `PidFile ${checkedValue("PidFile", input.pidFilePath)}`,
    `AuthorizedKeysFile ${checkedValue("AuthorizedKeysFile", input.authorizedKeysPath)}`,
    "UsePAM no",
    `PermitRootLogin ${input.passwordAuthentication ? "yes" : "prohibit-password"}`,
    "StrictModes no",
    "PubkeyAuthentication yes",
    `PasswordAuthentication ${input.passwordAuthentication ? "yes" : "no"}`,
    "KbdInteractiveAuthentication no",
    "PermitEmptyPasswords no",
    // Tests and the SDK open many channels on one connection and many connections at once.
    `MaxSessions ${input.maxSessions}`,
    "MaxStartups 200:30:400",
    "MaxAuthTries 20",
    "LoginGraceTime 30",
    "PermitUserEnvironment no",
    "AcceptEnv LANG LC_*",
    "PrintMotd no",
    "PrintLastLog no",
    "X11Forwarding no",
    "AllowTcpForwarding no",
    "AllowAgentForwarding no",
    "UseDNS no",
    "LogLevel INFO",
    `Subsystem sftp ${existsSync(EXTERNAL_SFTP_SERVER) ? EXTERNAL_SFTP_SERVER : "internal-sftp"}`,
  ];
  const env = Object.entries(input.setEnv ?? {});
  if (env.length > 0) lines.push(`SetEnv ${env.map(([name, value]) => setEnvToken(name, value)).join(" ")}`);
  if (input.forceCommand) lines.push(`ForceCommand ${checkedValue("ForceCommand", input.forceCommand)}`);
  return `${lines.join("\n")}\n`;
}

function formatListenAddress(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

function checkedValue(keyword: string, value: string): string {
  if (UNSAFE_CONFIG_VALUE.test(value) || /\s/.test(value)) {
    throw new Error(`sshd ${keyword} value "${value}" contains whitespace, quotes or newlines; use a plain path`);
  }
  return value;
}

function setEnvToken(name: string, value: string): string {
  if (!ENV_NAME.test(name)) throw new Error(`sshd SetEnv name "${name}" is not a valid environment variable name`);
  if (UNSAFE_CONFIG_VALUE.test(value)) {
    throw new Error(`sshd SetEnv value for ${name} contains quotes, backslashes or newlines`);
  }
  return `"${name}=${value}"`;
}
