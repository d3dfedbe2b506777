import type { ServiceError } from "@grpc/grpc-js";
import { providerPb, statusPb } from "./pulumi-modules";
import { fromStruct } from "./struct-codec";
import type { PropertyMap } from "./property-values";

/**
 * The partial state of a resource that was created (it has an id) but failed to initialise:
 * the pulumirpc.ErrorResourceInitFailed detail of a Create or Update error.
 */
export interface ResourceInitFailure {
  /** Id of the object that exists despite the failure. */
  id: string;
  /** Outputs the provider reported for it. */
  properties: PropertyMap;
  /** Why initialisation failed. */
  reasons: string[];
}

/** A failed call to the provider host, with the gRPC status and any decoded init failure. */
export class ProviderCallError extends Error {
  constructor(
    /** gRPC method that failed, e.g. "create". */
    readonly method: string,
    /** Resource URN the call was about ("" for Configure and GetPluginInfo). */
    readonly urn: string,
    /** gRPC status code. */
    readonly code: number,
    /** The provider's error message (gRPC status details). */
    readonly details: string,
    /** Set when the provider threw an error that carried an `id`. */
    readonly initFailure?: ResourceInitFailure,
  ) {
    super(`provider ${method}${urn ? ` of ${urn}` : ""} failed (gRPC code ${code}): ${details}`);
    this.name = "ProviderCallError";
  }
}

const INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";

/** Converts a gRPC ServiceError into a ProviderCallError, decoding grpc-status-details-bin. */
export function toProviderCallError(method: string, urn: string, err: ServiceError): ProviderCallError {
  return new ProviderCallError(method, urn, err.code, err.details || err.message, decodeInitFailure(err));
}

function decodeInitFailure(err: ServiceError): ResourceInitFailure | undefined {
  const [bin] = err.metadata?.get("grpc-status-details-bin") ?? [];
  if (bin === undefined || typeof bin === "string") return undefined;
  const status = statusPb.Status.deserializeBinary(new Uint8Array(bin));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== INIT_FAILED_TYPE) continue;
    const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: detail.getId(), properties: fromStruct(detail.getProperties()), reasons: detail.getReasonsList() };
  }
  return undefined;
}
