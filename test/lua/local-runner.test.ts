import { localTarget } from "../../sdk/target/local";
import { defineRunnerCases } from "./runner-cases";

for (const interpreter of ["lua5.4", "lua5.1"]) defineRunnerCases(interpreter, localTarget);
