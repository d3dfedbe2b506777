/**
 * Partial-state errors: a create that failed after its object existed, and could not remove it
 * again, throws an error carrying the object's `id` and `properties`, so the engine records the
 * object (as a resource with init errors) instead of losing it. The properties never hold a
 * secret value: the connection password and every private key are left out here rather than
 * trusting the engine to mark them secret (later calls take them from inputs and config).
 */

/** Field names whose values are never put in partial properties, at any depth. */
const SECRET_FIELDS = new Set(["password", "privateKey"]);

/** An error that tells the engine the object exists (partial state) so nothing is orphaned. */
export class PartialCreateError extends Error {
  override readonly name = "PartialCreateError";
  /**
   * @param message what failed, and that the object was kept
   * @param id the object's id
   * @param properties its properties (secret fields are removed)
   * @param cause the underlying error
   */
  constructor(
    message: string,
    readonly id: string,
    properties: Record<string, unknown>,
    cause: unknown,
  ) {
    super(message, { cause });
    this.properties = withoutSecretFields(properties) as Record<string, unknown>;
  }
  /** The properties recorded for the object, without secret fields. */
  readonly properties: Record<string, unknown>;
  /** Shown by the engine as the initialisation failure. */
  get reasons(): string[] {
    return [this.message];
  }
}

/** `value` with every `password` / `privateKey` field removed, deeply (secret envelopes included). */
export function withoutSecretFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretFields);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_FIELDS.has(key)).map(([key, v]) => [key, withoutSecretFields(v)]));
}
