/**
 * `cloudInit` checks beyond the schema: the document each VM's config drive would hold is rendered
 * by the same code the create uses (sdk/vm/xcpng `checkCloudInitSpec`), so a value cloud-init
 * would refuse is reported at its line; raw user-data needs `hostKey: template` (a file cannot pin
 * a host key), and a hostname shared by `count` instances is refused.
 */
import { CloudInitError } from "../cloud-init";
import { checkCloudInitSpec } from "../vm/xcpng/cloud-init";
import type { Report } from "./report";
import type { PathSegment } from "./source";
import type { CloudInitSpec, EnvironmentSpec } from "./types";

/** Reports the problems of every VM's `cloudInit`. */
export function checkCloudInit(spec: EnvironmentSpec, report: Report): void {
  for (const [key, vm] of Object.entries(spec.vms ?? {})) {
    if (!vm.cloudInit) continue;
    const at: PathSegment[] = ["vms", key, "cloudInit"];
    if (vm.cloudInit.userData !== undefined && vm.cloudInit.hostKey !== "template") {
      report([...at, "userData"], 'raw user-data carries no host key the deployment generated, and a file cannot pin one: set hostKey: template to trust the key the VM first presents, or leave userData out');
    }
    if (vm.cloudInit.hostname !== undefined && vm.count !== undefined && vm.count > 1) {
      report([...at, "hostname"], `every one of the ${vm.count} instances would be named "${vm.cloudInit.hostname}"; leave hostname out (each instance gets its own name)`);
    }
    try {
      checkCloudInitSpec(vm.cloudInit);
    } catch (error) {
      if (!(error instanceof CloudInitError)) throw error;
      report(pathOf(vm.cloudInit, error.field, at), error.message.replace(/^cloud-init [^:]*: /, ""));
    }
  }
}

/** The path of a CloudInitError's field (`networkConfig[0].gateway`), as deep as the file has it. */
function pathOf(cloudInit: CloudInitSpec, field: string, at: PathSegment[]): PathSegment[] {
  const path = [...at];
  let node: unknown = cloudInit;
  for (const part of field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    const segment: PathSegment = /^\d+$/.test(part) ? Number(part) : part;
    if (node === null || typeof node !== "object" || !(segment in node)) break;
    path.push(segment);
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return path;
}
