/** system.listMethods: every method name, sync and Async. */
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";

/** system.* methods. */
export function systemMethods(): MethodDef[] {
  return [
    method({
      name: "system.listMethods",
      session: false,
      syncOnly: true,
      params: [],
      result: T.stringSet,
      handler: ({ core }) => {
        const names = [...core.methods.values()].flatMap((def) =>
          def.syncOnly || def.session === false ? [def.name] : [def.name, `Async.${def.name}`],
        );
        return names.sort();
      },
    }),
  ];
}
