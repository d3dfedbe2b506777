/**
 * Deploys the environment file named by stack config `bioxen:environment` (relative to this
 * folder). The stack outputs are the VMs' addresses and the local installations' paths.
 */
import { runEnvironmentProgram } from "bioxen-luavm/provider";

export = async () => runEnvironmentProgram({ projectDir: __dirname });
