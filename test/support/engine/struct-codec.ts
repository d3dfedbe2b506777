import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { structPb } from "./pulumi-modules";
import type { PropertyMap, PropertyValue } from "./property-values";

/**
 * Encodes a property map as google.protobuf.Struct. Secret envelopes and the unknown sentinel
 * are ordinary JSON and pass through unchanged, exactly as the engine sends them. Keys whose
 * value is `undefined` are dropped (a Struct cannot carry it); any other non-JSON value throws.
 */
export function toStruct(props: PropertyMap): Struct {
  return structPb.Struct.fromJavaScript(jsonOnly(props, "") as Record<string, never>);
}

/** Decodes a google.protobuf.Struct (absent = empty) into a property map. */
export function fromStruct(struct: Struct | undefined): PropertyMap {
  return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

function jsonOnly(value: unknown, path: string): PropertyValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((v, i) => jsonOnly(v, `${path}[${i}]`));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, PropertyValue> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[key] = jsonOnly(v, path ? `${path}.${key}` : key);
    }
    return out;
  }
  throw new TypeError(`property ${path || "<root>"} is not JSON (${typeof value}): convert it before sending it to the provider`);
}
