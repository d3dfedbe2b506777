/**
 * The repository's root Pulumi program (Pulumi.yaml `main`): deploys the environment file named
 * by stack config `bioxen:environment` (relative to the repository root). Pulumi calls the
 * exported function and records what it returns as stack outputs.
 *
 *   npm run build && ln -sfn .. node_modules/bioxen-luavm     # once: providers load the built package
 *   pulumi stack init dev
 *   pulumi config set bioxen:environment examples/environments/local-dev.yaml
 *   pulumi up
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { runEnvironmentProgram, type EnvironmentOutputs } from "../provider/environment";
import { packageLinkProblem } from "./package-link";

/** The folder of Pulumi.yaml: this file's parent folder. */
const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * Runs the environment program for the project in `projectDir` (default: this repository).
 * @throws pulumi.RunError when the providers cannot be loaded from `projectDir`, and whatever {@link runEnvironmentProgram} throws
 */
async function main(projectDir: string = PROJECT_DIR): Promise<EnvironmentOutputs> {
  const problem = packageLinkProblem(projectDir);
  if (problem) throw new pulumi.RunError(problem);
  return runEnvironmentProgram({ projectDir });
}

export = main;
