/**
 * An in-memory FAT16 file system image holding a few files in its root directory: what a NoCloud
 * config drive needs, with no external tool. Layout per Microsoft's "FAT: General Overview of
 * On-Disk Format" (boot sector, two FATs, a fixed root directory, data clusters); every file
 * gets a VFAT long name, so names keep their case (`user-data`, not `USER-D~1`).
 */
import { createHash } from "node:crypto";
import { CloudInitError } from "./errors";

/** One file of the root directory. */
export interface FatFile {
  /** The long file name (1–255 characters, none of `/\:*?"<>|` or control characters). */
  name: string;
  /** The content, stored byte for byte (a string is written as UTF-8). */
  content: Buffer | string;
}

/** What {@link buildFatImage} makes. */
export interface FatImageOptions {
  /** The volume label (1–11 characters of printable ASCII without `"*+,./:;<=>?[\]|`), e.g. `cidata`. */
  label: string;
  /** The root directory's files (at most 100, names unique ignoring case). */
  files: readonly FatFile[];
  /** Image size in bytes: a whole number of MiB from 4 MiB to 256 MiB (default 8 MiB). */
  sizeBytes?: number;
  /** The files' and label's timestamp (default: now); the same inputs and timestamp give the same bytes. */
  timestamp?: Date;
}

const SECTOR = 512;
const MIB = 1024 * 1024;
const RESERVED_SECTORS = 1;
const FAT_COUNT = 2;
const ROOT_ENTRIES = 512;
const ROOT_SECTORS = (ROOT_ENTRIES * 32) / SECTOR;
const DIR_ENTRY = 32;
const MIN_FAT16_CLUSTERS = 4085;
const MAX_FAT16_CLUSTERS = 65524;
const END_OF_CHAIN = 0xffff;
const MAX_FILES = 100;
const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f"*/:<>?\\|\u007f]/;
const FORBIDDEN_LABEL_CHARS = /[^\u0020-\u007e]|["*+,./:;<=>?[\\\]|]/;
const SHORT_NAME_CHARS = /[^A-Z0-9!#$%&'()\-@^_`{}~]/g;

/** Geometry of one image, derived from its size. */
interface Layout {
  totalSectors: number;
  sectorsPerCluster: number;
  fatSectors: number;
  clusterCount: number;
  firstDataSector: number;
}

/**
 * Builds a FAT16 image with the given label and root-directory files.
 * @throws CloudInitError when the label, a name or the size is invalid, or the files do not fit.
 */
export function buildFatImage(options: FatImageOptions): Buffer {
  const label = checkLabel(options.label);
  const files = checkFiles(options.files);
  const layout = layoutFor(options.sizeBytes ?? 8 * MIB);
  const stamp = dosTimestamp(options.timestamp ?? new Date());
  const image = Buffer.alloc(layout.totalSectors * SECTOR);

  writeBootSector(image, layout, label, volumeId(files, stamp));
  const root: Buffer[] = [volumeLabelEntry(label, stamp)];
  const fat: number[] = [0xfff8, END_OF_CHAIN];
  const shortNames = new Set<string>();
  for (const file of files) {
    const firstCluster = storeContent(image, layout, fat, file.content, file.name);
    const shortName = uniqueShortName(file.name, shortNames);
    root.push(...longNameEntries(file.name, shortName), fileEntry(shortName, firstCluster, file.content.length, stamp));
  }
  writeFats(image, layout, fat);
  Buffer.concat(root).copy(image, (RESERVED_SECTORS + FAT_COUNT * layout.fatSectors) * SECTOR);
  return image;
}

function checkLabel(label: unknown): string {
  if (typeof label !== "string" || label.length < 1 || label.length > 11 || FORBIDDEN_LABEL_CHARS.test(label) || label.startsWith(" ")) {
    throw new CloudInitError("label", `${JSON.stringify(label)} is not a FAT volume label (1–11 printable ASCII characters, not starting with a space, none of "*+,./:;<=>?[\\]|)`);
  }
  return label;
}

function checkFiles(files: readonly FatFile[]): Array<{ name: string; content: Buffer }> {
  if (!Array.isArray(files)) throw new CloudInitError("files", "must be an array of { name, content }");
  if (files.length > MAX_FILES) throw new CloudInitError("files", `${files.length} files; at most ${MAX_FILES} fit this root directory`);
  const seen = new Set<string>();
  return files.map((file, index) => {
    const name = file?.name;
    if (typeof name !== "string" || name.length < 1 || name.length > 255 || FORBIDDEN_NAME_CHARS.test(name) || /^[. ]|[. ]$/.test(name)) {
      throw new CloudInitError(`files[${index}].name`, `${JSON.stringify(name)} is not a FAT long file name (1–255 characters, none of /\\:*?"<>| or control characters, no leading or trailing dot or space)`);
    }
    if (seen.has(name.toUpperCase())) throw new CloudInitError(`files[${index}].name`, `"${name}" appears twice (FAT names ignore case)`);
    seen.add(name.toUpperCase());
    const content = file.content;
    if (typeof content !== "string" && !Buffer.isBuffer(content)) throw new CloudInitError(`files[${index}].content`, "must be a string or a Buffer");
    return { name, content: typeof content === "string" ? Buffer.from(content, "utf8") : content };
  });
}

function layoutFor(sizeBytes: number): Layout {
  if (!Number.isInteger(sizeBytes) || sizeBytes % MIB !== 0 || sizeBytes < 4 * MIB || sizeBytes > 256 * MIB) {
    throw new CloudInitError("sizeBytes", `${sizeBytes} is not a whole number of MiB from 4 MiB to 256 MiB`);
  }
  const totalSectors = sizeBytes / SECTOR;
  for (let sectorsPerCluster = 1; sectorsPerCluster <= 64; sectorsPerCluster *= 2) {
    // Microsoft's FATSz formula for FAT16; it may overestimate by a sector, never under.
    const fatSectors = Math.ceil((totalSectors - RESERVED_SECTORS - ROOT_SECTORS) / (256 * sectorsPerCluster + FAT_COUNT));
    const firstDataSector = RESERVED_SECTORS + FAT_COUNT * fatSectors + ROOT_SECTORS;
    const clusterCount = Math.floor((totalSectors - firstDataSector) / sectorsPerCluster);
    if (clusterCount <= MAX_FAT16_CLUSTERS && clusterCount >= MIN_FAT16_CLUSTERS) {
      return { totalSectors, sectorsPerCluster, fatSectors, clusterCount, firstDataSector };
    }
  }
  throw new CloudInitError("sizeBytes", `no FAT16 geometry for ${sizeBytes} bytes`);
}

function writeBootSector(image: Buffer, layout: Layout, label: string, volumeIdValue: number): void {
  Buffer.from([0xeb, 0x3c, 0x90]).copy(image, 0);
  image.write("BIOXEN  ", 3, "latin1");
  image.writeUInt16LE(SECTOR, 11);
  image.writeUInt8(layout.sectorsPerCluster, 13);
  image.writeUInt16LE(RESERVED_SECTORS, 14);
  image.writeUInt8(FAT_COUNT, 16);
  image.writeUInt16LE(ROOT_ENTRIES, 17);
  image.writeUInt16LE(layout.totalSectors < 0x10000 ? layout.totalSectors : 0, 19);
  image.writeUInt8(0xf8, 21); // fixed disk
  image.writeUInt16LE(layout.fatSectors, 22);
  image.writeUInt16LE(32, 24); // sectors per track and heads: 2048 sectors = 1 MiB per cylinder
  image.writeUInt16LE(64, 26);
  image.writeUInt32LE(0, 28);
  image.writeUInt32LE(layout.totalSectors < 0x10000 ? 0 : layout.totalSectors, 32);
  image.writeUInt8(0x80, 36);
  image.writeUInt8(0x29, 38); // extended boot signature: the next three fields are valid
  image.writeUInt32LE(volumeIdValue, 39);
  image.write(label.padEnd(11, " "), 43, "latin1");
  image.write("FAT16   ", 54, "latin1");
  image.writeUInt16LE(0xaa55, 510);
}

/** Copies one file into consecutive clusters, appends its chain to `fat`, returns its first cluster (0 when empty). */
function storeContent(image: Buffer, layout: Layout, fat: number[], content: Buffer, name: string): number {
  const clusterBytes = layout.sectorsPerCluster * SECTOR;
  const clusters = Math.ceil(content.length / clusterBytes);
  if (clusters === 0) return 0;
  const first = fat.length;
  if (first - 2 + clusters > layout.clusterCount) {
    throw new CloudInitError("files", `"${name}" does not fit: the files need more than the ${layout.clusterCount * clusterBytes} bytes of data space; raise sizeBytes`);
  }
  for (let i = 0; i < clusters; i++) fat.push(i === clusters - 1 ? END_OF_CHAIN : first + i + 1);
  content.copy(image, (layout.firstDataSector + (first - 2) * layout.sectorsPerCluster) * SECTOR);
  return first;
}

function writeFats(image: Buffer, layout: Layout, fat: number[]): void {
  const table = Buffer.alloc(layout.fatSectors * SECTOR);
  fat.forEach((entry, index) => table.writeUInt16LE(entry, index * 2));
  for (let copy = 0; copy < FAT_COUNT; copy++) table.copy(image, (RESERVED_SECTORS + copy * layout.fatSectors) * SECTOR);
}

/** An 8.3 alias ("USER-D~1") that no other file of this directory has. */
function uniqueShortName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf(".");
  const clean = (part: string) => part.toUpperCase().replace(/[ .]/g, "").replace(SHORT_NAME_CHARS, "_");
  const base = clean(dot > 0 ? name.slice(0, dot) : name) || "FILE";
  const extension = clean(dot > 0 ? name.slice(dot + 1) : "").slice(0, 3);
  for (let n = 1; ; n++) {
    const tail = `~${n}`;
    const candidate = base.slice(0, 8 - tail.length) + tail;
    const padded = candidate.padEnd(8, " ") + extension.padEnd(3, " ");
    if (!taken.has(padded)) {
      taken.add(padded);
      return padded;
    }
  }
}

function shortNameChecksum(shortName: string): number {
  let sum = 0;
  for (const byte of Buffer.from(shortName, "latin1")) sum = (((sum & 1) << 7) + (sum >> 1) + byte) & 0xff;
  return sum;
}

/** The VFAT long-name entries of `name`, in on-disk order (last part first). */
function longNameEntries(name: string, shortName: string): Buffer[] {
  const utf16 = Buffer.from(name, "utf16le");
  const codeUnits = Array.from({ length: utf16.length / 2 }, (_, i) => utf16.readUInt16LE(i * 2));
  const count = Math.ceil(codeUnits.length / 13);
  const padded = [...codeUnits, ...(codeUnits.length % 13 ? [0x0000] : [])];
  while (padded.length < count * 13) padded.push(0xffff);
  const checksum = shortNameChecksum(shortName);
  const entries: Buffer[] = [];
  for (let part = count; part >= 1; part--) {
    const entry = Buffer.alloc(DIR_ENTRY);
    entry.writeUInt8(part | (part === count ? 0x40 : 0), 0);
    entry.writeUInt8(0x0f, 11); // attribute: long name
    entry.writeUInt8(checksum, 13);
    const chars = padded.slice((part - 1) * 13, part * 13);
    const offsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
    chars.forEach((unit, i) => entry.writeUInt16LE(unit, offsets[i]));
    entries.push(entry);
  }
  return entries;
}

function fileEntry(shortName: string, firstCluster: number, size: number, stamp: DosTimestamp): Buffer {
  const entry = Buffer.alloc(DIR_ENTRY);
  entry.write(shortName, 0, "latin1");
  entry.writeUInt8(0x20, 11); // archive
  writeStamp(entry, stamp);
  entry.writeUInt16LE(firstCluster, 26);
  entry.writeUInt32LE(size, 28);
  return entry;
}

function volumeLabelEntry(label: string, stamp: DosTimestamp): Buffer {
  const entry = Buffer.alloc(DIR_ENTRY);
  entry.write(label.padEnd(11, " "), 0, "latin1");
  entry.writeUInt8(0x08, 11); // volume id
  entry.writeUInt16LE(stamp.time, 22);
  entry.writeUInt16LE(stamp.date, 24);
  return entry;
}

interface DosTimestamp {
  date: number;
  time: number;
}

function dosTimestamp(when: Date): DosTimestamp {
  if (!(when instanceof Date) || Number.isNaN(when.getTime()) || when.getUTCFullYear() < 1980 || when.getUTCFullYear() > 2107) {
    throw new CloudInitError("timestamp", "must be a valid Date between 1980 and 2107");
  }
  return {
    date: ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2),
  };
}

function writeStamp(entry: Buffer, stamp: DosTimestamp): void {
  entry.writeUInt16LE(stamp.time, 14); // created
  entry.writeUInt16LE(stamp.date, 16);
  entry.writeUInt16LE(stamp.date, 18); // last access
  entry.writeUInt16LE(stamp.time, 22); // written
  entry.writeUInt16LE(stamp.date, 24);
}

/** A volume serial derived from the content and time, so identical inputs give identical images. */
function volumeId(files: Array<{ name: string; content: Buffer }>, stamp: DosTimestamp): number {
  const hash = createHash("sha256").update(`${stamp.date}:${stamp.time}`);
  for (const file of files) hash.update(file.name).update("\0").update(file.content);
  return hash.digest().readUInt32LE(0);
}
