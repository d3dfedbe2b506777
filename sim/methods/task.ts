/** task.create / task.cancel / task.destroy. */
import { method, type MethodDef } from "../rpc/method";
import { cancelTask, createTask, destroyTaskWhenFinished } from "../rpc/tasks";
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
      handler: ({ core, session }, label: string, description: string) => createTask(core, session, { name_label: label, name_description: description, progress: 0 }),
    }),
    method({ name: "task.cancel", params: [task], result: T.void, handler: ({ core }, ref: string) => cancelTask(core, ref) }),
    method({
      name: "task.destroy",
      params: [{ name: "self", type: T.ref("task") }],
      result: T.void,
      handler: ({ core }, ref: string) => destroyTaskWhenFinished(core, ref),
    }),
  ];
}
