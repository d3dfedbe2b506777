/**
 * Provider-wide settings: the stack config handed to `configure` (keys `bioxen:*`), with
 * environment-variable fallbacks read at use time. Module state, shared by every impl module of
 * one provider host (they all `require` this one module), so each impl's `configure` just
 * re-exports {@link configure}. Secrets are kept in memory only; nothing here is serialized.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One provider-wide setting: its stack config key and environment fallback. */
export interface SettingSource {
  /** stack config key, e.g. `bioxen:xapiUrl` */
  configKey: string;
  /** environment variable used when the config key is not set */
  envVar: string;
}

/** Every setting, by name: the documented config keys and their env fallbacks (docs/installation.md). */
export const SETTING_SOURCES = {
  xapiUrl: { configKey: "bioxen:xapiUrl", envVar: "BIOXEN_XAPI_URL" },
  xapiUsername: { configKey: "bioxen:xapiUsername", envVar: "BIOXEN_XAPI_USERNAME" },
  xapiPassword: { configKey: "bioxen:xapiPassword", envVar: "BIOXEN_XAPI_PASSWORD" },
  xapiTlsFingerprint: { configKey: "bioxen:xapiTlsFingerprint", envVar: "BIOXEN_XAPI_TLS_FINGERPRINT" },
  xapiCaFile: { configKey: "bioxen:xapiCaFile", envVar: "BIOXEN_XAPI_CA_FILE" },
  sshUser: { configKey: "bioxen:sshUser", envVar: "BIOXEN_SSH_USER" },
  sshPrivateKey: { configKey: "bioxen:sshPrivateKey", envVar: "BIOXEN_SSH_PRIVATE_KEY" },
  sshPort: { configKey: "bioxen:sshPort", envVar: "BIOXEN_SSH_PORT" },
  maxConcurrentCreates: { configKey: "bioxen:maxConcurrentCreates", envVar: "BIOXEN_MAX_CONCURRENT_CREATES" },
  sessionIdleMs: { configKey: "bioxen:sessionIdleMs", envVar: "BIOXEN_SESSION_IDLE_MS" },
} as const satisfies Record<string, SettingSource>;

/** Name of a provider-wide setting. */
export type SettingName = keyof typeof SETTING_SOURCES;

/** The effective provider-wide settings (config, else environment, else defaults). */
export interface ProviderSettings {
  xapiUrl?: string;
  xapiUsername?: string;
  /** secret */
  xapiPassword?: string;
  xapiTlsFingerprint?: string;
  xapiCaFile?: string;
  sshUser?: string;
  /** secret */
  sshPrivateKey?: string;
  /** default SSH port for VMs (22) */
  sshPort: number;
  /** creates running at once against one pool (default 2) */
  maxConcurrentCreates: number;
  /** idle time after which a shared XAPI session is logged out, ms (default 3000) */
  sessionIdleMs: number;
}

const DEFAULTS = { sshPort: 22, maxConcurrentCreates: 2, sessionIdleMs: 3000 };
const INTEGER_RULES: Record<"sshPort" | "maxConcurrentCreates" | "sessionIdleMs", { min: number; max: number }> = {
  sshPort: { min: 1, max: 65535 },
  maxConcurrentCreates: { min: 1, max: 64 },
  sessionIdleMs: { min: 0, max: 3_600_000 },
};

let configured: Partial<Record<SettingName, string>> = {};

/**
 * The dynamic provider's `configure`: stores the `bioxen:*` stack config (secrets arrive
 * unwrapped). Validates the numeric keys so a typo fails here, naming the key.
 */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  const next: Partial<Record<SettingName, string>> = {};
  for (const [name, source] of Object.entries(SETTING_SOURCES) as [SettingName, SettingSource][]) {
    const value = req.config.get(source.configKey);
    if (value !== undefined && value !== "") next[name] = value;
  }
  configured = next;
  settings();
}

/** Replaces the stored stack config (tests and SDK callers that do not go through Pulumi). */
export function setConfiguredValues(values: Partial<Record<SettingName, string>>): void {
  configured = { ...values };
}

/** The raw value of a setting: stack config first, then its environment variable. */
export function rawSetting(name: SettingName): string | undefined {
  const fromConfig = configured[name];
  if (fromConfig !== undefined) return fromConfig;
  const fromEnv = process.env[SETTING_SOURCES[name].envVar];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

/**
 * The effective settings.
 * @throws Error naming the config key and env var when a numeric setting is malformed
 */
export function settings(): ProviderSettings {
  return {
    xapiUrl: rawSetting("xapiUrl"),
    xapiUsername: rawSetting("xapiUsername"),
    xapiPassword: rawSetting("xapiPassword"),
    xapiTlsFingerprint: rawSetting("xapiTlsFingerprint"),
    xapiCaFile: rawSetting("xapiCaFile"),
    sshUser: rawSetting("sshUser"),
    sshPrivateKey: rawSetting("sshPrivateKey"),
    sshPort: integerSetting("sshPort"),
    maxConcurrentCreates: integerSetting("maxConcurrentCreates"),
    sessionIdleMs: integerSetting("sessionIdleMs"),
  };
}

/** `"bioxen:key" (or env VAR)`, for messages that tell the user what to set. */
export function describeSetting(name: SettingName): string {
  const source = SETTING_SOURCES[name];
  return `stack config ${source.configKey} (or environment variable ${source.envVar})`;
}

function integerSetting(name: keyof typeof INTEGER_RULES): number {
  const raw = rawSetting(name);
  if (raw === undefined) return DEFAULTS[name];
  const value = Number(raw);
  const { min, max } = INTEGER_RULES[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${describeSetting(name)} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
