/** Provider runtime shared by every resource implementation: settings, XAPI sessions, limits, input helpers, targets. */
export { configure, settings, rawSetting, describeSetting, SETTING_SOURCES, type ProviderSettings, type SettingName, type SettingSource } from "./config";
export { resolveConnection, xapiFor, withXapi, closeAllXapiClients, type ConnectionInput, type ResolvedConnection, type XapiLease } from "./connections";
export { withCreateSlot } from "./limiter";
export { UNKNOWN, SIG_KEY, SECRET_SIG, isUnknown, isSecretEnvelope, reveal, failure, shown, normalizeTags, sameValue, changedKeys, stableJson, compact, type CheckFailure } from "./inputs";
export { ownerOf, ownerProblem, OWNER_INPUT } from "./owner";
export { checkConnectionInput, checkTimeouts, unexpectedKeys } from "./checks";
export { targetFor, checkTargetSpec, type TargetSpec, type TargetForOptions } from "./ssh-target";
export { checkLocalTargetExtras, type LocalTargetSpec, type PackageTargetSpec } from "./local-target";
