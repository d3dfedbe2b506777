import { localTarget } from "../../sdk/target/local";
import { defineSessionCases } from "./session-cases";

for (const interpreter of ["lua5.4", "lua5.1"]) defineSessionCases(interpreter, localTarget);
