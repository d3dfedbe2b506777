import { describe, expect, it } from "vitest";
import { checkEnvironment, formatIssue, planEnvironment } from "../../sdk/env";
import { validSpec } from "./helpers";

const FILE = (vm: string) => `version: 1
connections:
  lab: { url: "https://xapi.example.org", username: root, password: { env: XAPI_PASSWORD } }
vms:
  web:
    connection: lab
    template: debian-12-lua
    networks: [{ poolNetwork: "Pool-wide network associated with eth0" }]
    ssh: { user: lua, privateKey: { env: SSH_PRIVATE_KEY } }
${vm}`;

describe("environment files: XcpngLuaVM disks, live changes, reboot trigger, description and timeouts", () => {
  it("plans every field as the XcpngLuaVM input of the same name", () => {
    const spec = validSpec(
      FILE(`    allowRestart: true
    maxVcpus: 8
    maxMemoryMiB: 8192
    disks: [{ sizeGiB: 20 }, { sizeGiB: 100, sr: "NFS shared storage", name: scratch }]
    description: lab web server
    rebootTrigger: 2
    timeouts: { create: 900, address: 120, ssh: 60, lua: 30, clone: 300, start: 120 }
`),
      "options.yaml",
    );
    const [vm] = planEnvironment(spec).filter((p) => p.kind === "XcpngLuaVM");
    expect(vm!.args).toMatchObject({
      allowRestart: true,
      maxVcpus: 8,
      maxMemoryMiB: 8192,
      disks: [{ sizeGiB: 20 }, { sizeGiB: 100, sr: "NFS shared storage", name: "scratch" }],
      description: "lab web server",
      rebootTrigger: 2,
      timeouts: { create: 900, address: 120, ssh: 60, lua: 30, clone: 300, start: 120 },
    });
  });

  it("reports a bad disk, ceiling or timeout at its line and column", () => {
    const result = checkEnvironment(
      FILE(`    maxVcpus: 0
    disks: [{ sizeGiB: 20, colour: red }]
    timeouts: { boot: 5, ssh: 0 }
`),
      "bad.yaml",
    );
    const messages = result.issues.map(formatIssue);
    expect(messages).toEqual([
      "bad.yaml:10:15: vms.web.maxVcpus: expected an integer from 1 to 64, got 0",
      'bad.yaml:11:28: vms.web.disks[0].colour: unknown property "colour"; expected one of: sizeGiB, sr, name',
      'bad.yaml:12:17: vms.web.timeouts.boot: unknown property "boot"; expected one of: create, ready, delete, clone, start, address, ssh, lua',
      "bad.yaml:12:31: vms.web.timeouts.ssh: expected an integer from 1 to 86400, got 0",
    ]);
    expect(result.spec).toBeUndefined();
  });
});
