import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKnownHostKeys, sha256Fingerprint } from "../../sdk/ssh";

let dir: string;
let keyA: string;
let keyB: string;
let fingerprintA: string;

function publicKey(name: string, type: string): string {
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", join(dir, name)]);
  return readFileSync(join(dir, `${name}.pub`), "utf8").trim().split(" ").slice(0, 2).join(" ");
}

const fingerprints = (text: string, host: string, port: number) =>
  findKnownHostKeys(text, host, port).map((k) => sha256Fingerprint(k.keyBlob));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-kh-"));
  keyA = publicKey("a", "ed25519");
  keyB = publicKey("b", "ecdsa");
  fingerprintA = execFileSync("ssh-keygen", ["-l", "-f", join(dir, "a.pub")]).toString().split(" ")[1]!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("findKnownHostKeys", () => {
  it("matches plain names, comma lists and computes ssh-keygen's fingerprint", () => {
    const text = `# comment\n\nother.example ${keyB}\nvm1,10.0.0.5 ${keyA}\n`;
    expect(fingerprints(text, "10.0.0.5", 22)).toEqual([fingerprintA]);
    expect(fingerprints(text, "VM1", 22)).toEqual([fingerprintA]);
    expect(fingerprints(text, "10.0.0.6", 22)).toEqual([]);
  });

  it("uses [host]:port for non-standard ports only", () => {
    const text = `[127.0.0.1]:2222 ${keyA}\n127.0.0.1 ${keyB}\n`;
    expect(findKnownHostKeys(text, "127.0.0.1", 2222).map((k) => k.keyType)).toEqual(["ssh-ed25519"]);
    expect(findKnownHostKeys(text, "127.0.0.1", 22).map((k) => k.keyType)).toEqual(["ecdsa-sha2-nistp256"]);
    expect(findKnownHostKeys(text, "127.0.0.1", 2223)).toEqual([]);
  });

  it("matches entries hashed by ssh-keygen -H (both port forms)", () => {
    const file = join(dir, "known_hosts");
    writeFileSync(file, `[127.0.0.1]:2222 ${keyA}\nvm1.example ${keyB}\n`);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", file], { stdio: "ignore" });
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("127.0.0.1");
    expect(text).toMatch(/^\|1\|/);
    expect(fingerprints(text, "127.0.0.1", 2222)).toEqual([fingerprintA]);
    expect(findKnownHostKeys(text, "vm1.example", 22).map((k) => k.keyType)).toEqual(["ecdsa-sha2-nistp256"]);
    expect(findKnownHostKeys(text, "127.0.0.1", 22)).toEqual([]);
  });

  it("honours wildcards, negation, @revoked and skips @cert-authority and malformed lines", () => {
    const text = [
      `*.lab,!bad.lab ${keyA}`,
      `@revoked 10.0.0.? ${keyB}`,
      `@cert-authority *.lab ${keyB}`,
      `*.lab ssh-ed25519 bm90IGEga2V5`,
    ].join("\n");
    expect(fingerprints(text, "vm7.lab", 22)).toEqual([fingerprintA]);
    expect(findKnownHostKeys(text, "bad.lab", 22)).toEqual([]);
    expect(findKnownHostKeys(text, "10.0.0.9", 22).map((k) => k.revoked)).toEqual([true]);
  });
});
