/**
 * Cross-reference checks the schema cannot express: every connection, network, group, VM and
 * local name used in the file exists; VMs and their networks share a pool; instance names are unique.
 */
import { expandVms, selectorMatchesAnything, type VmInstance } from "./instances";
import { knownNames, type Report } from "./report";
import type { EnvironmentSpec, VmNetworkSpec } from "./types";

/** Reports every dangling reference and name clash of a schema-valid environment. */
export function checkReferences(spec: EnvironmentSpec, report: Report): void {
  const connections = Object.keys(spec.connections ?? {});
  const networks = Object.keys(spec.networks ?? {});
  const requireConnection = (path: (string | number)[], name: string) => {
    if (!spec.connections?.[name]) report(path, `unknown connection "${name}"; ${knownNames("connections", connections)}`);
  };

  for (const [name, network] of Object.entries(spec.networks ?? {})) requireConnection(["networks", name, "connection"], network.connection);

  for (const [key, vm] of Object.entries(spec.vms ?? {})) {
    requireConnection(["vms", key, "connection"], vm.connection);
    (vm.networks ?? []).forEach((entry, i) => {
      const path = ["vms", key, "networks", i];
      const name = networkName(entry);
      if (typeof entry === "object" && (entry.network === undefined) === (entry.poolNetwork === undefined)) {
        report(path, "expected exactly one of network (a network of this file) or poolNetwork (an existing pool network)");
      } else if (name !== undefined && !spec.networks?.[name]) {
        report(typeof entry === "string" ? path : [...path, "network"], `unknown network "${name}"; ${knownNames("networks", networks)}`);
      } else if (name !== undefined && spec.networks?.[name]?.connection !== vm.connection) {
        report(
          typeof entry === "string" ? path : [...path, "network"],
          `network "${name}" is on connection "${spec.networks?.[name]?.connection}" but this VM is on "${vm.connection}"; a VM can only use networks of its own pool`,
        );
      }
    });
  }

  const instances = expandVms(spec);
  checkUniqueInstances(spec, instances, report);
  const selector = (path: (string | number)[], value: string) => {
    if (!selectorMatchesAnything(value, spec, instances)) {
      const keys = Object.keys(spec.vms ?? {});
      const names = keys.length === 0 ? "none are defined under vms" : keys.join(", ");
      const example = `${keys[0] ?? "web"}-0`;
      report(path, `"${value}" matches no VM; expected a VM name (${names}), an instance name such as ${example}, or a glob matching one`);
    }
  };
  for (const [group, members] of Object.entries(spec.groups ?? {})) members.forEach((member, i) => selector(["groups", group, i], member));

  (spec.packages ?? []).forEach((rule, i) => {
    if (!rule.vms && !rule.groups && !rule.local) {
      report(["packages", i], "a package rule needs at least one of vms, groups or local to say where the package goes");
    }
    rule.vms?.forEach((value, j) => selector(["packages", i, "vms", j], value));
    rule.groups?.forEach((group, j) => {
      if (!spec.groups?.[group]) report(["packages", i, "groups", j], `unknown group "${group}"; ${knownNames("groups", Object.keys(spec.groups ?? {}))}`);
    });
    rule.local?.forEach((name, j) => {
      if (!spec.local?.[name]) report(["packages", i, "local", j], `unknown local installation "${name}"; ${knownNames("local", Object.keys(spec.local ?? {}))}`);
    });
  });
}

/** The file network a VIF entry names, if any. */
export function networkName(entry: VmNetworkSpec): string | undefined {
  return typeof entry === "string" ? entry : entry.network;
}

function checkUniqueInstances(spec: EnvironmentSpec, instances: readonly VmInstance[], report: Report): void {
  const owners = new Map<string, VmInstance>();
  for (const instance of instances) {
    const first = owners.get(instance.name);
    if (!first) {
      owners.set(instance.name, instance);
      continue;
    }
    // Keys are unique, so a clash is always a key without count against an instance of a counted key.
    const plain = instance.index === undefined ? instance : first;
    const counted = plain === instance ? first : instance;
    report(
      ["vms", plain.key],
      `VM name "${plain.key}" clashes with instance ${counted.index} of vms.${counted.key} (count: ${spec.vms?.[counted.key]?.count}), which is also named "${counted.name}"; rename one of them`,
      "key",
    );
  }
}
