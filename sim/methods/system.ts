/** system.listMethods: the sync wire name of every message of the served classes, as xapi lists them (no `Async.` names). */
import { listedMethodNames } from "../api/description";
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";

/** system.* methods. */
export function systemMethods(): MethodDef[] {
  return [
    method({
      name: "system.listMethods",
      session: false,
      params: [],
      result: T.stringSet,
      handler: () => listedMethodNames(),
    }),
  ];
}
