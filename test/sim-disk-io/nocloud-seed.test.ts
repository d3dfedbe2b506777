/** The simulated guest's reading of a config drive: built by sdk/cloud-init, read by mtools and blkid. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildConfigDrive, buildFatImage, generateSshHostKey, renderCloudConfig } from "../../sdk/cloud-init";
import { readNoCloudSeed } from "../../sim/guest/nocloud-seed";

const VM_UUID = "5a1e0c9b-2f3d-4e8a-9b7c-1d2e3f4a5b6c";
const hostKey = generateSshHostKey("vm1");
const clientKey = generateSshHostKey("deployer").publicKey;

describe("readNoCloudSeed", () => {
  it("finds the instance, hostname, the user's keys and the host key the provider generated", async () => {
    const userData = renderCloudConfig({ hostname: "vm1", user: "lua", authorizedKeys: [clientKey], hostKey });
    const { image, files } = buildConfigDrive({ instanceId: VM_UUID, hostname: "vm1-meta", userData, networkConfig: [{ dhcp: true }] });
    const read = await readNoCloudSeed(image);
    expect(read).toEqual({
      ok: true,
      seed: {
        instanceId: VM_UUID,
        hostname: "vm1",
        users: [{ name: "lua", authorizedKeys: [clientKey] }],
        hostKeys: { ed25519: { private: hostKey.revealPrivateKey(), public: hostKey.publicKey } },
        files: { userData, metaData: files["meta-data"], networkConfig: files["network-config"] },
      },
    });
  });

  it("takes meta-data's hostname and no keys from raw user-data that is not cloud-config", async () => {
    const { image } = buildConfigDrive({ instanceId: VM_UUID, hostname: "vm2", userData: "#!/bin/sh\ntrue\n" });
    const read = await readNoCloudSeed(image);
    expect(read.ok && read.seed).toMatchObject({ instanceId: VM_UUID, hostname: "vm2", users: [], hostKeys: {} });
  });

  const secret = hostKey.revealPrivateKey();
  it.each<[string, Buffer, RegExp]>([
    ["random bytes", randomBytes(4 * 1024 * 1024), /^no vfat file system on the drive$/],
    ["another label", buildFatImage({ label: "config-2", files: [{ name: "meta-data", content: "instance-id: x\n" }, { name: "user-data", content: "#cloud-config\n" }] }), /^the drive's label is "config-2", not cidata$/],
    ["no meta-data", buildFatImage({ label: "cidata", files: [{ name: "user-data", content: "#cloud-config\n" }] }), /^the drive has no meta-data$/],
    ["meta-data without instance-id", buildFatImage({ label: "cidata", files: [{ name: "meta-data", content: "local-hostname: a\n" }, { name: "user-data", content: "#cloud-config\n" }] }), /^meta-data is not a YAML mapping with an instance-id$/],
    ["broken cloud-config holding a key", buildFatImage({ label: "cidata", files: [{ name: "meta-data", content: "instance-id: x\n" }, { name: "user-data", content: `#cloud-config\nssh_keys: [${secret}\n` }] }), /^user-data is a #cloud-config document that is not a YAML mapping$/],
  ])("refuses a drive with %s, saying why without quoting it", async (_label, image, reason) => {
    const read = await readNoCloudSeed(image);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.reason).toMatch(reason);
  });
});
