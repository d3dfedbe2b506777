/** The parameter checks of xapi's generated dispatcher (ocaml/idl/ocaml_backend/gen_server.ml), from the description. */
import { XapiFailure } from "../model/failure";
import { API, parseType, type FoundMessage } from "../api/description";
import { checkUnmarshal } from "./unmarshal-check";

/**
 * `MESSAGE_PARAMETER_COUNT_MISMATCH [method, expected, received]`: a message without defaulted
 * parameters takes exactly its parameters; one with defaults takes at least the required ones
 * (extra trailing values are ignored, as xapi's `a :: b :: default_args` pattern does).
 * Expected and received count the parameters after the session ref.
 */
export function checkArity(found: FoundMessage, params: readonly unknown[]): void {
  const { def } = found;
  const sessionCount = def.session ? 1 : 0;
  const required = def.params.filter((p) => !("default" in p)).length;
  const hasDefaults = required < def.params.length;
  const given = params.length - sessionCount;
  const fits = params.length >= sessionCount && (hasDefaults ? given >= required : given === required);
  if (!fits) throw new XapiFailure("MESSAGE_PARAMETER_COUNT_MISMATCH", [found.wireName, String(required), String(given)]);
}

/** Unmarshals every given parameter by its declared type; constructor records field by field. */
export function checkTypes(found: FoundMessage, params: readonly unknown[]): void {
  const given = params.slice(found.def.session ? 1 : 0);
  if (found.def.session) checkUnmarshal({ kind: "ref", cls: "session" }, params[0]);
  found.def.params.forEach((param, i) => {
    if (i >= given.length) return;
    const type = parseType(param.type);
    checkUnmarshal(type, given[i]);
    if (type.kind === "record" && found.name === "create") checkConstructorRecord(type.cls, given[i] as Record<string, unknown>);
  });
}

/**
 * A constructor record carries every RW / RO-constructor field; one without a default that is
 * missing makes xapi's `my_assoc` raise Dispatcher_FieldNotFound, answered as INTERNAL_ERROR.
 */
function checkConstructorRecord(cls: string, record: Record<string, unknown>): void {
  for (const [name, field] of Object.entries(API.classes[cls].fields)) {
    if (field.qualifier === "RO/runtime" || field.lifecycle === "removed") continue;
    if (record[name] === undefined) {
      if (field.default === undefined) throw new XapiFailure("INTERNAL_ERROR", [`Server_helpers.Dispatcher_FieldNotFound(${JSON.stringify(name)})`]);
      continue;
    }
    checkUnmarshal(parseType(field.type), record[name]);
  }
}

/** `Async.<Class>.<method>` → the sync name and whether it was asked for asynchronously. */
export function splitAsync(name: string): { isAsync: boolean; base: string } {
  const isAsync = name.startsWith("Async.");
  return { isAsync, base: isAsync ? name.slice("Async.".length) : name };
}

/** server_helpers.ml do_dispatch: an Async call of a message without async mode is a Fault. */
export function checkAsync(found: FoundMessage, isAsync: boolean): void {
  if (isAsync && !found.def.async) throw new XapiFailure("Fault", [`No async mode for this operation (rpc: ${found.wireName})`]);
}
