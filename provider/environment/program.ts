/**
 * The environment program: reads stack config `bioxen:environment` (a path relative to the
 * project folder), loads and validates that file and its lock file `<file>.lock` when there is
 * one (every problem as `file:line:column: …`), and deploys it, packages at their locked versions. The repository's root Pulumi program and user programs call {@link runEnvironmentProgram}.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EnvironmentError, formatIssue, loadEnvironmentFile, type EnvironmentIssue, type LoadedEnvironment } from "../../sdk/env";
import { deployEnvironment, MissingReferenceError, type DeployEnvironmentOptions, type EnvironmentResource } from "./deploy";
import { LocalLua } from "../local-lua";
import { XcpngLuaVM } from "../xcpng-lua-vm";

/** The stack config key naming the environment file. */
export const ENVIRONMENT_CONFIG_KEY = "bioxen:environment";

/** Options of {@link runEnvironmentProgram}. */
export interface EnvironmentProgramOptions extends Pick<DeployEnvironmentOptions, "env" | "resourceOptions"> {
  /** The Pulumi project folder (where Pulumi.yaml is): the environment path is relative to it; relative paths in the file are relative to the file's folder. */
  projectDir: string;
}

/** Stack outputs of the environment program. */
export interface EnvironmentOutputs {
  /** The environment file, as configured. */
  environment: string;
  /** Names of every resource, in plan order. */
  resources: string[];
  /** SSH address of each VM instance, by resource name. */
  vmAddresses: Record<string, pulumi.Output<string | undefined>>;
  /** LUA_PATH / LUA_CPATH of each local installation, by resource name. */
  localPaths: Record<string, { luaPath: pulumi.Output<string>; luaCPath: pulumi.Output<string> }>;
}

/**
 * Deploys the environment file named by stack config `bioxen:environment`.
 * @throws pulumi.RunError (printed without a stack trace) when the config is missing, the file cannot be read or is invalid (every issue, `file:line:column: path: message`), or references have no value
 */
export async function runEnvironmentProgram(options: EnvironmentProgramOptions): Promise<EnvironmentOutputs> {
  const file = new pulumi.Config("bioxen").get("environment");
  if (!file) {
    throw new pulumi.RunError(`stack config ${ENVIRONMENT_CONFIG_KEY} is not set; name the environment file with \`pulumi config set ${ENVIRONMENT_CONFIG_KEY} environments/<name>.yaml\` (relative to ${options.projectDir})`);
  }
  const loaded = await load(file, options.projectDir);
  let resources: Map<string, EnvironmentResource>;
  try {
    resources = deployEnvironment(loaded.spec, { ...options, file, fileDir: path.dirname(loaded.file), ...(loaded.lock ? { lock: loaded.lock } : {}) });
  } catch (error) {
    if (error instanceof MissingReferenceError) throw new pulumi.RunError(error.message);
    throw error;
  }
  return outputsOf(file, resources);
}

/** Loads the file; issues are reported with the path as configured, not as resolved. */
async function load(file: string, projectDir: string): Promise<LoadedEnvironment> {
  const resolved = path.resolve(projectDir, file);
  try {
    return await loadEnvironmentFile(resolved);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      const count = error.issues.length === 1 ? "1 problem" : `${error.issues.length} problems`;
      // Messages may cite other places of the file ("declared by … (file:11:9)"): name it as configured there too.
      // The lock file's issues name `<file>.lock`: the same replacement names it as configured.
      const asConfigured = (issue: EnvironmentIssue) => formatIssue({ ...issue, file: issue.file.split(resolved).join(file), message: issue.message.split(resolved).join(file) });
      throw new pulumi.RunError(`environment file ${file} has ${count}:\n${error.issues.map(asConfigured).join("\n")}`);
    }
    throw new pulumi.RunError((error as Error).message);
  }
}

function outputsOf(file: string, resources: ReadonlyMap<string, EnvironmentResource>): EnvironmentOutputs {
  const outputs: EnvironmentOutputs = { environment: file, resources: [...resources.keys()], vmAddresses: {}, localPaths: {} };
  for (const [name, resource] of resources) {
    if (resource instanceof XcpngLuaVM) outputs.vmAddresses[name] = resource.ipAddress;
    if (resource instanceof LocalLua) outputs.localPaths[name] = { luaPath: resource.luaPath, luaCPath: resource.luaCPath };
  }
  return outputs;
}
