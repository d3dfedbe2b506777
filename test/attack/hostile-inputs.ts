/**
 * Every string input of the four resources that can reach a command line, a file path or XAPI,
 * each as a way to put a value into a valid set of inputs (a check of the base passes).
 */
import * as localLua from "../../provider/impl/local-lua";
import * as luaPackage from "../../provider/impl/lua-package";
import * as vmNetwork from "../../provider/impl/vm-network";
import * as xcpngLuaVm from "../../provider/impl/xcpng-lua-vm";

/** A resource's check, as the provider host calls it. */
export type Check = (olds: Record<string, unknown>, news: Record<string, unknown>) => Promise<{ inputs?: Record<string, unknown>; failures?: Array<{ property: string; reason: string }> }>;

/** One input: which resource, which property (as check failures name it), and where it goes. */
export interface HostileInput {
  resource: "XcpngLuaVM" | "VmNetwork" | "LuaPackage" | "LocalLua";
  property: string;
  reaches: "command line" | "file path" | "XAPI";
  check: Check;
  /** Valid inputs (without the value). */
  base: Record<string, unknown>;
  /** Valid inputs with `value` at `property`. */
  inputs(value: string): Record<string, unknown>;
}

const FINGERPRINT = `SHA256:${"A".repeat(43)}`;
const CONNECTION = { url: "https://pool.example.org", username: "root", password: "pw-8d1" };
const VM = { __owner: "p/s/XcpngLuaVM/vm", name: "vm", template: "tpl", networks: [{ network: "net" }], ssh: { user: "root", port: 22 }, luaInterpreter: "lua5.4", tags: ["t"], connection: CONNECTION };
const NETWORK = { __owner: "p/s/VmNetwork/net", name: "net", description: "d", vlan: { pifDevice: "eth0", tag: 5 }, connection: CONNECTION };
const SSH_TARGET = { kind: "ssh", host: "10.0.0.5", port: 22, username: "root", hostKeyFingerprint: FINGERPRINT };
const PACKAGE = { target: SSH_TARGET, name: "alpha", version: "1.0-1", servers: ["https://rocks.example.org"], tree: { path: "/opt/tree" }, luaVersion: "5.4" };
const LOCAL = { interpreter: "lua5.4", projectDir: "/srv/project", tree: "/srv/project/lua_modules" };

/** A copy of `base` with `value` at the dotted `path` ("networks.0.network"). */
function withValue(base: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split(".");
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
}

function inputsOf(resource: HostileInput["resource"], check: Check, base: object, entries: Array<[string, HostileInput["reaches"], string?]>): HostileInput[] {
  return entries.map(([path, reaches, property]) => ({
    resource,
    property: property ?? path.replace(/\.(\d+)(?=\.|$)/g, "[$1]"),
    reaches,
    check,
    base: structuredClone(base) as Record<string, unknown>,
    inputs: (value: string) => withValue(base, path, value),
  }));
}

/** Every string input, with the place it can reach. */
export const HOSTILE_INPUTS: HostileInput[] = [
  ...inputsOf("XcpngLuaVM", xcpngLuaVm.check, VM, [
    ["name", "XAPI"], ["template", "XAPI"], ["sr", "XAPI"], ["adopt", "XAPI"], ["cloneMode", "XAPI"], ["powerState", "XAPI"],
    ["networks.0.network", "XAPI"], ["networks.0.expectedCidr", "XAPI"], ["tags.0", "XAPI", "tags"],
    ["ssh.user", "command line"], ["ssh.hostKeyFingerprint", "command line"], ["luaInterpreter", "command line"],
    ["connection.url", "XAPI"], ["connection.username", "XAPI"], ["connection.caFile", "file path"], ["connection.tlsFingerprint", "XAPI"], ["__owner", "XAPI"],
  ]),
  ...inputsOf("VmNetwork", vmNetwork.check as Check, NETWORK, [
    ["name", "XAPI"], ["description", "XAPI"], ["vlan.pifDevice", "XAPI"], ["connection.url", "XAPI"], ["connection.caFile", "file path"], ["__owner", "XAPI"],
  ]),
  ...inputsOf("LuaPackage", luaPackage.check, PACKAGE, [
    ["name", "command line"], ["version", "command line"], ["servers.0", "command line"], ["tree.path", "command line"], ["luaVersion", "command line"],
    ["target.host", "command line"], ["target.username", "command line"], ["target.hostKeyFingerprint", "command line"],
  ]),
  ...inputsOf("LuaPackage", luaPackage.check, { ...PACKAGE, version: undefined }, [["constraint", "command line"]]),
  ...inputsOf("LocalLua", localLua.check, LOCAL, [["interpreter", "command line"], ["projectDir", "file path"], ["tree", "file path"]]),
];
