import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildConfigDrive, CloudInitError, CONFIG_DRIVE_LABEL, generateSshHostKey, renderCloudConfig, renderNetworkConfig, type NicNetworkConfig } from "../../sdk/cloud-init";
import { blkid, fsckFat, mtoolsNames, mtoolsRead, run, scratch } from "./tools";

const dir = scratch();
afterAll(() => dir.dispose());

const VM_UUID = "7f0c4d2e-3a51-4c1b-9e1f-5b2a8c6d9e01";
const hostKey = generateSshHostKey("vm1");
const userData = renderCloudConfig({ hostname: "vm1", authorizedKeys: [generateSshHostKey("deployer").publicKey], hostKey });
const nics: NicNetworkConfig[] = [
  { mac: "AA:BB:CC:00:11:22", addresses: ["10.0.0.5/24", "fd00::5/64"], gateway: "10.0.0.1", gateway6: "fd00::1", dns: ["10.0.0.53", "fd00::53"], searchDomains: ["lab.example.org"] },
  { device: "eth7", dhcp: true },
];

/** What Debian's cloud-init renders from a network-config for systemd-networkd, file name → text. */
function networkdFiles(networkConfig: string, name: string): Record<string, string> {
  const input = dir.write(`${name}.yaml`, networkConfig);
  const out = dir.path(`${name}-out`);
  const converted = run(["cloud-init", "devel", "net-convert", "-p", input, "-k", "yaml", "-D", "debian", "-d", out, "-O", "networkd"]);
  expect(converted.status, converted.stderr).toBe(0);
  const folder = join(out, "etc/systemd/network");
  return Object.fromEntries(readdirSync(folder).map((file) => [file, readFileSync(join(folder, file), "utf8")]));
}

describe("buildConfigDrive", () => {
  const drive = buildConfigDrive({ instanceId: VM_UUID, hostname: "vm1", userData, networkConfig: nics });
  const image = dir.write("drive.img", drive.image);

  it("is a clean vfat volume labelled cidata", () => {
    expect(CONFIG_DRIVE_LABEL).toBe("cidata");
    expect(fsckFat(image).status).toBe(0);
    expect(blkid(image)).toMatchObject({ TYPE: "vfat", LABEL: "cidata" });
  });

  it("holds user-data, meta-data and network-config byte for byte", () => {
    expect(mtoolsNames(image)).toEqual(["meta-data", "network-config", "user-data"]);
    expect(mtoolsRead(image, "user-data").toString("utf8")).toBe(userData);
    expect(mtoolsRead(image, "meta-data").toString("utf8")).toBe(drive.files["meta-data"]);
    expect(mtoolsRead(image, "network-config").toString("utf8")).toBe(drive.files["network-config"]);
    expect(parse(drive.files["meta-data"])).toEqual({ "instance-id": VM_UUID, "local-hostname": "vm1" });
  });

  it("carries the host key whose fingerprint was known before the image existed", () => {
    const onDrive = parse(mtoolsRead(image, "user-data").toString("utf8"));
    expect(onDrive.ssh_keys.ed25519_public).toBe(hostKey.publicKey);
    expect(onDrive.ssh_keys.ed25519_private).toBe(hostKey.revealPrivateKey());
  });

  it("has no network-config file when none is given, and takes raw user-data whole", () => {
    const raw = "#!/bin/sh\necho first boot\n";
    const plain = dir.write("plain.img", buildConfigDrive({ instanceId: VM_UUID, hostname: "vm1", userData: raw }).image);
    expect(mtoolsNames(plain)).toEqual(["meta-data", "user-data"]);
    expect(mtoolsRead(plain, "user-data").toString("utf8")).toBe(raw);
  });

  it.each([
    ["a bad instance id", { instanceId: "has space", hostname: "vm1", userData }, /^cloud-init instanceId: "has space" must be 1–255 printable ASCII/],
    ["a bad hostname", { instanceId: VM_UUID, hostname: "-vm", userData }, /^cloud-init hostname: "-vm" is not a hostname/],
    ["user-data without a format marker", { instanceId: VM_UUID, hostname: "vm1", userData: "hostname: x" }, /^cloud-init userData: must start with/],
    ["a bad NIC", { instanceId: VM_UUID, hostname: "vm1", userData, networkConfig: [{ addresses: ["10.0.0.5"] }] }, /^cloud-init networkConfig\[0\]\.addresses\[0\]: "10\.0\.0\.5" is not an address in CIDR form/],
  ])("refuses %s before building anything", (_label, options, message) => {
    expect(() => buildConfigDrive(options)).toThrow(CloudInitError);
    expect(() => buildConfigDrive(options)).toThrow(message);
  });
});

describe("renderNetworkConfig, as Debian's cloud-init reads it", () => {
  it("renders static addresses, both gateways, DNS and search domains per NIC, matched by MAC", () => {
    const files = networkdFiles(renderNetworkConfig(nics), "static");
    expect(Object.keys(files).sort()).toEqual(["10-cloud-init-eth0.network", "10-cloud-init-eth7.network"]);
    const eth0 = files["10-cloud-init-eth0.network"];
    for (const line of ["Address=10.0.0.5/24", "Address=fd00::5/64", "MACAddress=aa:bb:cc:00:11:22", "Name=eth0", "DHCP=no", "DNS=10.0.0.53 fd00::53", "Domains=lab.example.org", "Gateway=10.0.0.1", "Gateway=fd00::1"]) {
      expect(eth0.split("\n"), line).toContain(line);
    }
    expect(eth0).not.toMatch(/Destination=::\/64/); // cloud-init 22.4's reading of a `to: ::/0` route
    expect(files["10-cloud-init-eth7.network"].split("\n")).toEqual(expect.arrayContaining(["Name=eth7", "DHCP=ipv4"]));
  });

  it.each<[string, NicNetworkConfig[], RegExp]>([
    ["no NIC", [], /^cloud-init networkConfig: must be a non-empty array$/],
    ["neither addresses nor dhcp", [{ dns: ["1.1.1.1"] }], /^cloud-init networkConfig\[0\]: needs static addresses or dhcp: true$/],
    ["a prefix out of range", [{ addresses: ["10.0.0.5/33"] }], /^cloud-init networkConfig\[0\]\.addresses\[0\]: "10\.0\.0\.5\/33"/],
    ["an IPv6 gateway given as gateway", [{ addresses: ["10.0.0.5/24"], gateway: "fd00::1" }], /^cloud-init networkConfig\[0\]\.gateway: "fd00::1" is not an IPv4 address$/],
    ["a gateway without an address of its family", [{ addresses: ["10.0.0.5/24"], gateway6: "fd00::1" }], /^cloud-init networkConfig\[0\]\.gateway6: needs a static IPv6 address/],
    ["a bad MAC", [{ dhcp: true, mac: "aa-bb-cc-dd-ee-ff" }], /^cloud-init networkConfig\[0\]\.mac: "aa-bb-cc-dd-ee-ff" is not a MAC address/],
    ["a bad DNS server", [{ dhcp: true, dns: ["dns.example.org"] }], /^cloud-init networkConfig\[0\]\.dns\[0\]: "dns\.example\.org" is not an IP address$/],
    ["one device twice", [{ dhcp: true, device: "eth1" }, { dhcp: true, device: "eth1" }], /^cloud-init networkConfig\[1\]\.device: "eth1" is configured twice$/],
  ])("refuses %s", (_label, config, message) => {
    expect(() => renderNetworkConfig(config)).toThrow(message);
  });
});
