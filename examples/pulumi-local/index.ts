/**
 * Pulumi program: the local development case. Config: `rocksServer` (required), `interpreter`.
 *   pulumi config set rocksServer /tmp/bioxen-rocks   # made by: npx tsx scripts/pack-rocks.ts /tmp/bioxen-rocks
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { localStack } from "./program";

const config = new pulumi.Config();
const { lua, workload } = localStack({ rocksServer: config.require("rocksServer"), interpreter: config.get("interpreter") || undefined });

/** Lua release found on this machine. */
export const luaVersion = lua.interpreterVersion;
/** The project-local rocks tree. */
export const treePath = lua.treePath;
/** bioxen-seq as installed. */
export const workloadVersion = workload.installedVersion;
/** The command that runs the workload on the example FASTA file (run it from this folder). */
export const reportCommand = pulumi.interpolate`${lua.treePath}/bin/bioxen-seq ../data/sample.fasta`;
