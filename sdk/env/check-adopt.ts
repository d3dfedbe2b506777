/**
 * The rules of `template` and `adopt` the schema cannot express, as XcpngLuaVM's check applies
 * them: a VM is cloned from `template` unless it takes over the existing VM `adopt`; an adopted VM
 * is one instance (two instances cannot take over one VM), gets no config drive (cloud-init runs
 * once per instance, at its first boot) and needs its host key pinned (never trusted on first use).
 */
import type { Report } from "./report";
import type { EnvironmentSpec } from "./types";

/** Reports each VM missing a template, and each adoption that breaks one of the rules above. */
export function checkAdopt(spec: EnvironmentSpec, report: Report): void {
  for (const [key, vm] of Object.entries(spec.vms ?? {})) {
    const at = ["vms", key];
    if (vm.adopt === undefined) {
      if (vm.template === undefined) report(at, 'missing required property "template" (the template to clone; not needed with adopt)', "key");
      continue;
    }
    if (vm.count !== undefined && vm.count > 1) report([...at, "count"], `${vm.count} instances cannot all take over VM ${vm.adopt}: adopt one VM per entry (no count, or count: 1)`);
    if (vm.cloudInit !== undefined) report([...at, "cloudInit"], "cannot be given with adopt: cloud-init runs once per instance, at its first boot");
    if (vm.ssh.hostKeyFingerprint === undefined) {
      report([...at, "ssh"], "hostKeyFingerprint is required with adopt: an adopted VM's host key cannot be trusted on first use (ssh-keyscan the VM, then ssh-keygen -lf)", "key");
    }
  }
}
