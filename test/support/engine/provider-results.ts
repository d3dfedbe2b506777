import type { PropertyMap } from "./property-values";

/** One gRPC call made to a provider host (for asserting which steps ran). */
export interface ProviderCall {
  /** gRPC method: getPluginInfo, configure, check, diff, create, read, update, delete. */
  method: string;
  /** Resource URN ("" for getPluginInfo and configure). */
  urn: string;
}

/** What ConfigureResponse says the provider supports. */
export interface ConfigureResult {
  /** False for the dynamic host: the engine must strip secrets before every call. */
  acceptSecrets: boolean;
  /** Whether resource references may be sent. */
  acceptResources: boolean;
  /** Whether output values may be sent. */
  acceptOutputs: boolean;
  /** Whether Create/Update accept preview=true (false: they are never called in preview). */
  supportsPreview: boolean;
}

/** A validation failure reported by Check. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Result of Check: the inputs to use from now on, and any failures. */
export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}

/** Result of Diff. `changes: "unknown"` means the engine must compare inputs itself. */
export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Result of Create: the new id and the outputs. */
export interface CreateResult {
  id: string;
  properties: PropertyMap;
}

/** Result of Read: id "" means the object is gone; `inputs` only when the provider returned them. */
export interface ReadResult {
  id: string;
  properties: PropertyMap;
  inputs?: PropertyMap;
}
