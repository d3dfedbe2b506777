/**
 * Checks an incoming parameter as xapi's generated server unmarshals it (ocaml-rpc's
 * `Rpc.<type>_of_rpc` and ppx_deriving_rpc converters). A value they reject raises an OCaml
 * `Failure`, which xapi's dispatch_exn_wrapper turns into `INTERNAL_ERROR ["Failure(\"…\")"]`
 * (ocaml/xapi/exnHelper.ml: any other exception → internal_error [Printexc.to_string e]).
 * A ref of another class passes here, as in xapi (refs are strings); the object lookup then
 * fails with HANDLE_INVALID.
 */
import type { FieldType } from "../api/field-type";
import { XapiFailure } from "../model/failure";

/** ocaml-rpc's `Rpc.to_string` of a decoded wire value, used in its error messages. */
function rpcText(value: unknown): string {
  if (value === null || value === undefined) return "N";
  if (typeof value === "string") return `S(${value})`;
  if (typeof value === "boolean") return `B(${value})`;
  if (typeof value === "number") return Number.isInteger(value) ? `I(${value})` : `F(${value})`;
  if (Buffer.isBuffer(value)) return `B64(${value.toString("base64")})`;
  if (Array.isArray(value)) return `[${value.map(rpcText).join(";")}]`;
  if (typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${k}:${rpcText(v)}`).join(";")}}`;
  return String(value);
}

function failure(message: string): XapiFailure {
  return new XapiFailure("INTERNAL_ERROR", [`Failure(${JSON.stringify(message)})`]);
}

/** OCaml's Int64.of_string: optional sign, decimal or 0x/0o/0b prefixed digits, `_` separators. */
const INT64 = /^[-+]?(?:\d[\d_]*|0[xX][\da-fA-F][\da-fA-F_]*|0[oO][0-7][0-7_]*|0[bB][01][01_]*)$/;

function isStruct(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Throws the INTERNAL_ERROR xapi answers when `value` does not unmarshal as `type`. */
export function checkUnmarshal(type: FieldType, value: unknown): void {
  switch (type.kind) {
    case "string":
    case "ref":
      if (typeof value !== "string") throw failure(`Expected string, got '${rpcText(value)}'`);
      return;
    case "datetime":
      if (typeof value !== "string") throw failure("Date.t_of_rpc");
      return;
    case "int":
      if (typeof value === "number" && Number.isInteger(value)) return;
      if (typeof value === "string") {
        if (!INT64.test(value)) throw failure("Int64.of_string");
        return;
      }
      throw failure(`Expected int64, got '${rpcText(value)}'`);
    case "float":
      if (typeof value === "number") return;
      if (typeof value === "string") {
        if (value.trim() === "" || Number.isNaN(Number(value))) throw failure("float_of_string");
        return;
      }
      throw failure(`Expected float, got '${rpcText(value)}'`);
    case "bool":
      if (typeof value !== "boolean") throw failure(`Expected bool, got '${rpcText(value)}'`);
      return;
    case "enum":
      // ppx_deriving_rpc matches the lowercased string against the lowercased constructors.
      if (typeof value !== "string" || !type.values.some((v) => v.toLowerCase() === value.toLowerCase())) throw failure("Unknown tag/contents");
      return;
    case "set":
      if (!Array.isArray(value)) throw failure(`Expecting Rpc.Enum, but found '${rpcText(value)}'`);
      value.forEach((v) => checkUnmarshal(type.of, v));
      return;
    case "map":
      if (!isStruct(value)) throw failure(`Expecting Rpc.Dict, but found '${rpcText(value)}'`);
      for (const [k, v] of Object.entries(value)) {
        checkUnmarshal(type.key.kind === "int" || type.key.kind === "enum" ? type.key : { kind: "string" }, k);
        checkUnmarshal(type.value, v);
      }
      return;
    case "record":
      if (!isStruct(value)) throw new XapiFailure("INTERNAL_ERROR", ['Failure("bad __structure")']);
      return;
    default:
      return;
  }
}
