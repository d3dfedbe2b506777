import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { buildFatImage, CloudInitError } from "../../sdk/cloud-init";
import { blkid, fsckFat, mtoolsNames, mtoolsRead, scratch } from "./tools";

const dir = scratch();
afterAll(() => dir.dispose());

const MIB = 1024 * 1024;
const binary = randomBytes(70_000); // several clusters, not a multiple of the cluster size
const files = [
  { name: "user-data", content: "#cloud-config\nhostname: vm1\n" },
  { name: "meta-data", content: "instance-id: 1\n" },
  { name: "a-name-longer-than-thirteen-characters.bin", content: binary },
  { name: "Mixed.Case.txt", content: "Ünïcødé content\r\n" },
  { name: "empty", content: "" },
];

describe("buildFatImage, read back by dosfstools, mtools and blkid", () => {
  const image = dir.write("plain.img", buildFatImage({ label: "cidata", files }));

  it("passes fsck.fat -n without a single complaint", () => {
    const check = fsckFat(image);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(check.stdout.toString()).toMatch(/: 6 files, \d+\/\d+ clusters\n$/); // 5 files + the volume label
  });

  it("lists exactly the files under their long names, case kept", () => {
    expect(mtoolsNames(image)).toEqual(files.map((file) => file.name).sort());
  });

  it("holds every file byte for byte", () => {
    for (const file of files) {
      expect(mtoolsRead(image, file.name).equals(Buffer.from(file.content)), file.name).toBe(true);
    }
  });

  it("is a vfat volume labelled cidata for blkid", () => {
    const probe = blkid(image);
    expect(probe.TYPE).toBe("vfat");
    expect(probe.LABEL).toBe("cidata");
    expect(probe.LABEL_FATBOOT).toBe("cidata");
    expect(readFileSync(image).length).toBe(8 * MIB);
  });

  it("is FAT16 at every allowed size, bigger sizes using bigger clusters", () => {
    for (const sizeBytes of [4 * MIB, 33 * MIB, 64 * MIB]) {
      const sized = dir.write(`size-${sizeBytes}.img`, buildFatImage({ label: "CIDATA", files, sizeBytes }));
      expect(fsckFat(sized).status, `${sizeBytes}`).toBe(0);
      expect(mtoolsRead(sized, files[2].name).equals(binary)).toBe(true);
      expect(blkid(sized).LABEL).toBe("CIDATA");
    }
  });

  it("gives identical bytes for identical inputs and timestamp", () => {
    const timestamp = new Date("2026-01-02T03:04:06Z");
    expect(buildFatImage({ label: "cidata", files, timestamp }).equals(buildFatImage({ label: "cidata", files, timestamp }))).toBe(true);
  });

  it("the checks catch a damaged image (fsck.fat on a FAT whose two copies differ)", () => {
    const damaged = buildFatImage({ label: "cidata", files });
    damaged.writeUInt16LE(0x0000, 512 + 2 * 3); // break a cluster chain in the first FAT only
    const check = fsckFat(dir.write("damaged.img", damaged));
    expect(check.status).not.toBe(0);
  });
});

describe("buildFatImage input checks", () => {
  const cases: Array<[string, Parameters<typeof buildFatImage>[0], RegExp]> = [
    ["a label too long", { label: "config-drive-x", files }, /^cloud-init label: "config-drive-x" is not a FAT volume label/],
    ["a label with a dot", { label: "ci.data", files }, /^cloud-init label:/],
    ["a name with a slash", { label: "cidata", files: [{ name: "a/b", content: "" }] }, /^cloud-init files\[0\]\.name: "a\/b" is not a FAT long file name/],
    ["names equal ignoring case", { label: "cidata", files: [{ name: "x", content: "" }, { name: "X", content: "" }] }, /^cloud-init files\[1\]\.name: "X" appears twice/],
    ["a size not in whole MiB", { label: "cidata", files, sizeBytes: 5_000_000 }, /^cloud-init sizeBytes: 5000000 is not a whole number of MiB/],
    ["a size below 4 MiB", { label: "cidata", files, sizeBytes: 2 * MIB }, /^cloud-init sizeBytes:/],
    ["content larger than the image", { label: "cidata", files: [{ name: "big", content: Buffer.alloc(5 * MIB) }], sizeBytes: 4 * MIB }, /^cloud-init files: "big" does not fit.*raise sizeBytes$/],
  ];
  it.each(cases)("refuses %s with a CloudInitError naming the field", (_label, options, message) => {
    expect(() => buildFatImage(options)).toThrow(CloudInitError);
    expect(() => buildFatImage(options)).toThrow(message);
  });
});
