import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the mocks saw it. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The type token of a bioxen dynamic resource. */
export const tokenOf = (resource: "LocalLua" | "LuaPackage" | "XcpngLuaVM" | "VmNetwork"): string => `pulumi-nodejs:dynamic/bioxen:${resource}`;

/** Computed outputs a real create would add, per resource type (inputs are echoed back too). */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case tokenOf("LocalLua"): {
      const tree = `/home/dev/project/lua_modules`;
      return { treePath: tree, interpreterPath: "/usr/bin/lua5.4", interpreterVersion: "5.4.6", luaVersion: "5.4", luaPath: `${tree}/share/lua/5.4/?.lua;;`, target: { kind: "local", tree, luaVersion: "5.4" } };
    }
    case tokenOf("XcpngLuaVM"): {
      const host = `10.0.0.${10 + Number(name.replace(/\D/g, "") || 0)}`;
      return { vmUuid: `uuid-${name}`, ipAddress: host, sshTarget: { kind: "ssh", host, port: 22, username: "root", hostKeyFingerprint: `SHA256:${name}` } };
    }
    case tokenOf("VmNetwork"):
      return { networkUuid: `uuid-${name}`, attachments: ((inputs.attach as { vmUuid: string }[]) ?? []).map((a, i) => ({ vmUuid: a.vmUuid, vifUuid: `vif-${i}`, device: "1", address: `192.168.77.${i + 1}` })) };
    case tokenOf("LuaPackage"):
      return { installedVersion: inputs.version, treePath: "/root/.luarocks" };
    default:
      return {};
  }
}

/**
 * Runs Pulumi programs in this process against mocks (no engine): every registration is recorded
 * with its type, name and inputs, and answered with the inputs plus plausible computed outputs.
 */
export function installMocks(project: string, stack: string, config: Record<string, string>): RegisteredResource[] {
  const registered: RegisteredResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) } };
      },
      call: () => ({}),
    },
    project,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [`${project}:${key}`, value])));
  return registered;
}

/** The value of an output once the mocks have answered. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolveValue) => output.apply((value) => resolveValue(value)));
}
