import { describe, expect, it } from "vitest";
import { checkEnvironment, formatIssue, planEnvironment } from "../../sdk/env";
import { validSpec } from "./helpers";

const FILE = (network: string, vms: string) => `version: 1
connections:
  lab: { url: "https://xapi.example.org", username: root, password: { env: XAPI_PASSWORD } }
networks:
  backplane: { connection: lab${network} }
vms:
${vms}`;

const vm = (name: string, extra: string) => `  ${name}:
    connection: lab
    template: debian-12-lua
    networks: [{ poolNetwork: "Pool-wide network associated with eth0" }, backplane]
    ssh: { user: lua, privateKey: { env: SSH_PRIVATE_KEY } }
${extra}`;

describe("environment files: affinityHost and private networks", () => {
  it("plans affinityHost as the XcpngLuaVM input of every instance", () => {
    const spec = validSpec(FILE("", vm("web", "    count: 2\n    affinityHost: xcp-sim-2\n")), "placed.yaml");
    const vms = planEnvironment(spec).filter((p) => p.kind === "XcpngLuaVM");
    expect(vms.map((p) => (p.args as { affinityHost?: string }).affinityHost)).toEqual(["xcp-sim-2", "xcp-sim-2"]);
  });

  it("refuses VMs with different affinity hosts on one private network, at each VM's line and column", () => {
    const result = checkEnvironment(FILE("", vm("a", "    affinityHost: xcp-sim-1\n") + vm("b", "    affinityHost: xcp-sim-2\n") + vm("c", "")), "split.yaml");
    const messages = result.issues.map(formatIssue);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^split\.yaml:12:19: vms\.a\.affinityHost: private network "backplane" joins VMs placed on different hosts \(a on xcp-sim-1, b on xcp-sim-2, c on any host \(no affinityHost\)\); .*could not reach each other/);
    expect(messages[1]).toMatch(/^split\.yaml:18:19: vms\.b\.affinityHost: /);
    expect(messages[2]).toMatch(/^split\.yaml:22:75: vms\.c\.networks\[1\]: /);
    expect(result.spec).toBeUndefined();
  });

  it("accepts the same host for all, VMs without affinity, and different hosts on a VLAN network", () => {
    expect(checkEnvironment(FILE("", vm("a", "    affinityHost: h1\n") + vm("b", "    affinityHost: h1\n")), "same.yaml").issues).toEqual([]);
    expect(checkEnvironment(FILE("", vm("a", "") + vm("b", "")), "none.yaml").issues).toEqual([]);
    expect(checkEnvironment(FILE(", vlan: { pifDevice: eth0, tag: 12 }", vm("a", "    affinityHost: h1\n") + vm("b", "    affinityHost: h2\n")), "vlan.yaml").issues).toEqual([]);
  });

  it("reports a malformed affinityHost at its line and column", () => {
    const messages = checkEnvironment(FILE("", vm("a", "    affinityHost: 7\n")), "bad.yaml").issues.map(formatIssue);
    expect(messages).toEqual([expect.stringMatching(/^bad\.yaml:12:19: vms\.a\.affinityHost: expected a string/)]);
  });
});
