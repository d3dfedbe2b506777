/** The XAPI client: sessions, both transports, tasks and events. */
export { XapiClient, type XapiConnectOptions, type XapiCallOptions, type XapiPutOptions } from "./client";
export type { UploadProgress } from "./http-put";
export { XapiError, XapiTransportError, XapiWaitError } from "./errors";
export { TlsFingerprintMismatchError, normalizeFingerprint256, type XapiTlsOptions } from "./tls";
export type { WaitOptions } from "../base/deadline";
export type { XapiEvent, WatchOptions } from "./events";
export type { XapiTransportKind } from "./transport";
export type { XapiTransportChoice } from "./transport-detect";
export { normalizeRecord, normalizeResult } from "./normalize";
