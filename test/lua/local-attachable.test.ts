import { localTarget } from "../../sdk/target";
import { defineAttachableCases } from "./attachable-cases";

defineAttachableCases("lua5.4", { target: () => localTarget(), reconnect: async () => undefined, laterClientEnv: () => ({}) });
