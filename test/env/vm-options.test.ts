import { describe, expect, it } from "vitest";
import { checkEnvironment, formatIssue, planEnvironment } from "../../sdk/env";
import { validSpec } from "./helpers";

const FILE = (vm: string, template = "    template: debian-12-lua\n", ssh = "") => `version: 1
connections:
  lab: { url: "https://xapi.example.org", username: root, password: { env: XAPI_PASSWORD } }
vms:
  web:
    connection: lab
${template}    networks: [{ poolNetwork: "Pool-wide network associated with eth0" }]
    ssh: { user: lua, privateKey: { env: SSH_PRIVATE_KEY }${ssh} }
${vm}`;
const VM_UUID = "0d3c0c46-6a6b-4e2f-9c1e-3f1a2b4c5d6e";
const PIN = "SHA256:" + "A".repeat(43);

describe("environment files: XcpngLuaVM clone mode, adoption, disks, live changes, reboot trigger, description and timeouts", () => {
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

  it("plans cloneMode and sr as written, and adopt with its pinned host key instead of a template", () => {
    const copied = planEnvironment(validSpec(FILE("    cloneMode: copy\n    sr: NFS shared storage\n"), "copy.yaml")).find((p) => p.kind === "XcpngLuaVM");
    expect(copied!.args).toMatchObject({ template: "debian-12-lua", cloneMode: "copy", sr: "NFS shared storage" });
    const adopted = planEnvironment(validSpec(FILE(`    adopt: ${VM_UUID}\n`, "", `, hostKeyFingerprint: "${PIN}"`), "adopt.yaml")).find((p) => p.kind === "XcpngLuaVM");
    expect(adopted!.args).toMatchObject({ adopt: VM_UUID, ssh: { user: "lua", hostKeyFingerprint: PIN } });
    expect(adopted!.args).not.toHaveProperty("template");
  });

  it("reports a bad cloneMode, sr, adopt uuid or host key pin at its line and column", () => {
    const result = checkEnvironment(FILE("    cloneMode: full\n    sr: ''\n    adopt: vm-42\n", undefined, ", hostKeyFingerprint: MD5:aa"), "bad.yaml");
    expect(result.issues.map(formatIssue)).toEqual([
      'bad.yaml:9:81: vms.web.ssh.hostKeyFingerprint: expected a SHA256:… fingerprint as ssh-keygen -l prints it, got "MD5:aa"',
      'bad.yaml:10:16: vms.web.cloneMode: expected one of "clone", "copy", got "full"',
      'bad.yaml:11:9: vms.web.sr: expected a non-empty string, got ""',
      'bad.yaml:12:12: vms.web.adopt: expected a VM uuid such as "0d3c0c46-6a6b-4e2f-9c1e-3f1a2b4c5d6e" (xe vm-list), got "vm-42"',
    ]);
  });

  it("refuses an adoption without a host key pin, with count or with cloudInit, and a VM with neither template nor adopt", () => {
    const adopting = checkEnvironment(FILE(`    adopt: ${VM_UUID}\n    count: 2\n    cloudInit: { disableRoot: true }\n`, ""), "adopt.yaml");
    expect(adopting.issues.map(formatIssue)).toEqual([
      "adopt.yaml:8:5: vms.web.ssh: hostKeyFingerprint is required with adopt: an adopted VM's host key cannot be trusted on first use (ssh-keyscan the VM, then ssh-keygen -lf)",
      `adopt.yaml:10:12: vms.web.count: 2 instances cannot all take over VM ${VM_UUID}: adopt one VM per entry (no count, or count: 1)`,
      "adopt.yaml:11:16: vms.web.cloudInit: cannot be given with adopt: cloud-init runs once per instance, at its first boot",
    ]);
    const neither = checkEnvironment(FILE("", ""), "neither.yaml");
    expect(neither.issues.map(formatIssue)).toEqual(['neither.yaml:5:3: vms.web: missing required property "template" (the template to clone; not needed with adopt)']);
  });
});
