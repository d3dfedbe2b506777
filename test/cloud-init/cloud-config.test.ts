import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkRawUserData, CloudInitError, generateSshHostKey, renderCloudConfig, SshHostKey, type CloudConfigOptions } from "../../sdk/cloud-init";
import { run, scratch } from "./tools";

const dir = scratch();
afterAll(() => dir.dispose());

const clientKey = generateSshHostKey("deployer"); // any ed25519 key pair serves as a client key here
const hostKey = generateSshHostKey("vm1");
const base: CloudConfigOptions = { hostname: "vm1", authorizedKeys: [clientKey.publicKey], hostKey };

let documents = 0;

/** `cloud-init schema --config-file`, Debian's cloud-init validating the document. */
function schemaCheck(userData: string): { status: number | null; output: string } {
  const checked = run(["cloud-init", "schema", "--config-file", dir.write(`user-data-${++documents}`, userData)]);
  return { status: checked.status, output: checked.stdout.toString() + checked.stderr };
}

describe("renderCloudConfig", () => {
  it("passes cloud-init schema, with every pass-through option", () => {
    const userData = renderCloudConfig({
      ...base,
      hostname: "vm1.lab.example.org",
      user: "lua",
      sudo: "ALL=(ALL) NOPASSWD:ALL",
      packages: ["lua5.4", "luarocks"],
      runcmd: [["luarocks", "install", "penlight"], "echo done > /tmp/done"],
      writeFiles: [{ path: "/etc/motd", content: "bioxen\n", permissions: "0644", owner: "root:root" }],
      extra: "timezone: UTC\nlocale: C.UTF-8\n",
    });
    const checked = schemaCheck(userData);
    expect(checked.output).toContain("Valid cloud-config");
    expect(checked.status).toBe(0);
  });

  it("the schema check bites: a pass-through value of the wrong type is rejected", () => {
    const checked = schemaCheck(renderCloudConfig({ ...base, extra: { timezone: 5 } }));
    expect(checked.status).not.toBe(0);
    expect(checked.output).toContain("timezone: 5 is not of type 'string'");
  });

  it("grants the keys to the chosen user, no password, and the host key in ssh_keys", () => {
    const userData = renderCloudConfig({ ...base, user: "lua", disableRoot: true });
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    expect(parse(userData)).toEqual({
      hostname: "vm1",
      users: [{ name: "lua", lock_passwd: true, ssh_authorized_keys: [clientKey.publicKey] }],
      disable_root: true,
      ssh_pwauth: false,
      ssh_deletekeys: true,
      ssh_keys: { ed25519_private: hostKey.revealPrivateKey(), ed25519_public: hostKey.publicKey },
    });
    expect(userData).not.toMatch(/^[\s-]*(password|passwd|hashed_passwd|plain_text_passwd|chpasswd):/m);
  });

  it("defaults to root with disable_root false, and leaves ssh_keys out without a host key", () => {
    const document = parse(renderCloudConfig({ hostname: "vm1", authorizedKeys: [clientKey.publicKey] }));
    expect(document.users).toEqual([{ name: "root", lock_passwd: true, ssh_authorized_keys: [clientKey.publicKey] }]);
    expect(document.disable_root).toBe(false);
    expect(document).not.toHaveProperty("ssh_keys");
    expect(document).not.toHaveProperty("ssh_deletekeys");
  });

  const refusals: Array<[string, CloudConfigOptions, RegExp]> = [
    ["no authorized key", { ...base, authorizedKeys: [] }, /^cloud-init authorizedKeys: must be a non-empty array$/],
    ["a malformed authorized key", { ...base, authorizedKeys: ["ssh-ed25519 not-base64!"] }, /^cloud-init authorizedKeys\[0\]: is not an OpenSSH public key line/],
    ["a private key as authorized key", { ...base, authorizedKeys: [hostKey.revealPrivateKey()] }, /^cloud-init authorizedKeys\[0\]: is a private key; give its public half/],
    ["a bad hostname", { ...base, hostname: "vm_1" }, /^cloud-init hostname: "vm_1" is not a hostname/],
    ["a bad user", { ...base, user: "Root" }, /^cloud-init user: "Root" is not a login name/],
    ["root with disableRoot", { ...base, disableRoot: true }, /^cloud-init disableRoot: is true but user is root/],
    ["sudo for root", { ...base, sudo: "ALL=(ALL) ALL" }, /^cloud-init sudo: does not apply to root$/],
    ["a password in extra", { ...base, extra: { chpasswd: { expire: false } } }, /^cloud-init extra\.chpasswd: would set a password/],
    ["a generated key in extra", { ...base, extra: "ssh_pwauth: true\n" }, /^cloud-init extra\.ssh_pwauth: is set by the generated document/],
    ["extra that is not a mapping", { ...base, extra: "- a\n- b\n" }, /^cloud-init extra: must be an object$/],
    ["extra that is not YAML", { ...base, extra: "a: [b\n" }, /^cloud-init extra: is not valid YAML/],
    ["a relative write_files path", { ...base, writeFiles: [{ path: "etc/x", content: "" }] }, /^cloud-init writeFiles\[0\]\.path: "etc\/x" must be absolute$/],
    ["a bad permissions string", { ...base, writeFiles: [{ path: "/x", content: "", permissions: "rw" }] }, /^cloud-init writeFiles\[0\]\.permissions:/],
    ["an empty runcmd entry", { ...base, runcmd: [""] }, /^cloud-init runcmd\[0\]: must be a non-empty string$/],
    ["a host key that is not an SshHostKey", { ...base, hostKey: { type: "ed25519" } as unknown as SshHostKey }, /^cloud-init hostKey: must be an SshHostKey/],
  ];
  it.each(refusals)("refuses %s with the specific error", (_label, options, message) => {
    let thrown: unknown;
    try {
      renderCloudConfig(options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CloudInitError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain("PRIVATE KEY");
    expect((thrown as Error).message).not.toContain(hostKey.revealPrivateKey().split("\n")[1]);
  });
});

describe("checkRawUserData", () => {
  it("accepts any cloud-init format and a #cloud-config mapping", () => {
    expect(checkRawUserData("#!/bin/sh\necho hi\n")).toBe("#!/bin/sh\necho hi\n");
    expect(checkRawUserData("#cloud-config\nhostname: a\n")).toBe("#cloud-config\nhostname: a\n");
  });
  it.each([
    ["no format marker", "hostname: a\n", /^cloud-init userData: must start with one of cloud-init's format markers/],
    ["a #cloud-config list", "#cloud-config\n- a\n", /^cloud-init userData \(#cloud-config document\): must be an object$/],
    ["broken YAML", "#cloud-config\na: [b\n", /^cloud-init userData: is a #cloud-config document that is not valid YAML/],
    ["nothing", "", /^cloud-init userData: must be a non-empty string$/],
  ])("refuses %s", (_label, text, message) => {
    expect(() => checkRawUserData(text)).toThrow(message);
  });
});

describe("SshHostKey", () => {
  it("pins the fingerprint ssh-keygen computes from the public key", () => {
    const listed = run(["ssh-keygen", "-l", "-E", "sha256", "-f", dir.write("host.pub", `${hostKey.publicKey}\n`)]);
    expect(listed.status).toBe(0);
    expect(listed.stdout.toString().split(" ")[1]).toBe(hostKey.fingerprint);
    expect(hostKey.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("holds a private key that ssh-keygen reads back to the same public key", () => {
    const privatePath = dir.write("host", hostKey.revealPrivateKey(), 0o600);
    const derived = run(["ssh-keygen", "-y", "-f", privatePath]);
    expect(derived.status, derived.stderr).toBe(0);
    expect(derived.stdout.toString().trim().split(" ").slice(0, 2)).toEqual(hostKey.publicKey.split(" ").slice(0, 2));
  });

  it("is a fresh key each time and round-trips through its private half", () => {
    expect(generateSshHostKey().fingerprint).not.toBe(generateSshHostKey().fingerprint);
    const restored = SshHostKey.fromPrivateKey(hostKey.revealPrivateKey());
    expect(restored.fingerprint).toBe(hostKey.fingerprint);
    expect(restored.publicKey).toBe(hostKey.publicKey);
  });

  it("shows only its public half in strings, JSON and inspect", () => {
    const secretLine = hostKey.revealPrivateKey().split("\n")[1];
    for (const shown of [String(hostKey), `${hostKey}`, JSON.stringify(hostKey), inspect(hostKey), inspect({ nested: hostKey }, { depth: 5 })]) {
      expect(shown).toContain(hostKey.fingerprint);
      expect(shown).not.toContain(secretLine);
      expect(shown).not.toContain("PRIVATE");
    }
  });

  it("refuses what is not an unencrypted ed25519 private key, without quoting it", () => {
    expect(() => SshHostKey.fromPrivateKey(hostKey.publicKey)).toThrow(/^cloud-init hostKey: is not an unencrypted OpenSSH ed25519 private key$/);
    expect(() => generateSshHostKey("two\nlines")).toThrow(/^cloud-init hostKey comment:/);
  });
});
