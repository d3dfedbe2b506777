/** The dispatcher's description checks as a pure function, for replaying a client's recorded calls. */
import { XapiFailure } from "../model/failure";
import { messageByWireName } from "../api/description";
import { checkArity, checkAsync, checkTypes, splitAsync } from "./params-check";

/**
 * Whether real xapi would accept the shape of this call: the method exists (and is not removed),
 * has an `Async.` form when asked for one, gets its number of parameters and each of the declared
 * type. Sessions and objects are not looked at.
 * @returns the failure xapi would answer, or undefined when the call passes
 */
export function strictCheck(method: string, params: readonly unknown[]): XapiFailure | undefined {
  const { isAsync, base } = splitAsync(method);
  const found = messageByWireName(base);
  if (!found) return base === "system.listMethods" && !isAsync ? undefined : new XapiFailure("MESSAGE_METHOD_UNKNOWN", [base]);
  try {
    checkArity(found, params);
    if (found.def.lifecycle === "removed") return new XapiFailure("MESSAGE_REMOVED", []);
    checkTypes(found, params);
    checkAsync(found, isAsync);
    return undefined;
  } catch (error) {
    if (error instanceof XapiFailure) return error;
    throw error;
  }
}
