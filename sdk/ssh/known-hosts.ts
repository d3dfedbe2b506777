import { createHmac, timingSafeEqual } from "node:crypto";
import { keyTypeOfBlob } from "./fingerprint";

/** One host key a known_hosts file lists for a host. */
export interface KnownHostKey {
  /** Key type as written, e.g. "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa". */
  keyType: string;
  /** The decoded public key blob. */
  keyBlob: Buffer;
  /** "@revoked" entries must be refused; "@cert-authority" entries are not host keys and are skipped. */
  revoked: boolean;
  /** 1-based line number, for messages. */
  line: number;
}

/**
 * The name OpenSSH looks a host up under: "host" on port 22, "[host]:port" otherwise
 * (lower-cased, as ssh does before matching).
 */
export function knownHostsLookupName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/**
 * Lists the keys a known_hosts text holds for host:port, following sshd(8) "SSH_KNOWN_HOSTS FILE
 * FORMAT": comma-separated patterns with `*`/`?` wildcards and `!` negation, hashed names
 * (`|1|base64 salt|base64 HMAC-SHA1`), `[host]:port` for non-standard ports, the `@revoked`
 * marker, comments and blank lines. `@cert-authority` lines are ignored (no certificate support).
 */
export function findKnownHostKeys(text: string, host: string, port: number): KnownHostKey[] {
  const name = knownHostsLookupName(host, port);
  const found: KnownHostKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === "" || fields[0]!.startsWith("#")) return;
    let marker: string | undefined;
    if (fields[0]!.startsWith("@")) marker = fields.shift();
    if (marker === "@cert-authority" || (marker !== undefined && marker !== "@revoked")) return;
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64 || !hostFieldMatches(hosts, name)) return;
    const keyBlob = Buffer.from(keyBase64, "base64");
    if (keyTypeOfBlob(keyBlob) !== keyType) return; // malformed line: ssh skips it too
    found.push({ keyType, keyBlob, revoked: marker === "@revoked", line: index + 1 });
  });
  return found;
}

function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith("|1|")) return hashedHostMatches(hosts, name);
  let positive = false;
  for (const pattern of hosts.toLowerCase().split(",")) {
    const negated = pattern.startsWith("!");
    if (wildcardMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

function hashedHostMatches(field: string, name: string): boolean {
  const [, , salt64, hash64] = field.split("|");
  if (!salt64 || !hash64) return false;
  const expected = Buffer.from(hash64, "base64");
  const actual = createHmac("sha1", Buffer.from(salt64, "base64")).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** OpenSSH match_pattern(): `*` any run of characters, `?` exactly one, everything else literal. */
function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
