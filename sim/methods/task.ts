/** task.create / task.cancel / task.destroy. */
import { XapiFailure } from "../model/failure";
import { xapiDate } from "../model/time";
import { method, type MethodDef } from "../rpc/method";
import { cancelTask } from "../rpc/tasks";
import { T } from "../schema";

/** task.* methods. */
export function taskMethods(): MethodDef[] {
  const task = { name: "task", type: T.ref("task") };
  return [
    // A caller-made task tracks work xapi does outside an RPC (an HTTP upload's `task_id`).
    method({
      name: "task.create",
      params: [
        { name: "label", type: T.string },
        { name: "description", type: T.string },
      ],
      result: T.ref("task"),
      handler: ({ core }, label: string, description: string) =>
        core.store.create("task", { name_label: label, name_description: description, status: "pending", progress: 0, created: xapiDate(), resident_on: core.refs.master, other_config: {} }),
    }),
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
