/** task.cancel / task.destroy. */
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { cancelTask } from "../rpc/tasks";
import { T } from "../schema";

/** task.* methods. */
export function taskMethods(): MethodDef[] {
  const task = { name: "task", type: T.ref("task") };
  return [
    method({ name: "task.cancel", params: [task], result: T.void, handler: ({ core }, ref: string) => cancelTask(core, ref) }),
    method({
      name: "task.destroy",
      params: [{ name: "self", type: T.ref("task") }],
      result: T.void,
      handler: ({ core }, ref: string) => {
        const status = core.store.get("task", ref).status;
        if (status === "pending" || status === "cancelling") throw new XapiFailure("OPERATION_NOT_ALLOWED", [`task ${ref} is still ${status}`]);
        core.store.destroy("task", ref);
      },
    }),
  ];
}
