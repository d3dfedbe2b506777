import { localTarget } from "../../sdk/target";
import { defineAttachableCases } from "./attachable-cases";

for (const interpreter of ["lua5.4", "lua5.1"]) {
  defineAttachableCases(interpreter, { target: () => localTarget(), reconnect: async () => undefined, laterClientEnv: () => ({}) });
}
