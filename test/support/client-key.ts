/** Client key pairs for tests and benchmarks. */
import { utils } from "ssh2";

/** An OpenSSH ed25519 key pair: `private` (OpenSSH PEM text) and `public` (authorized_keys line). */
export interface ClientKeyPair {
  private: string;
  public: string;
}

/**
 * Generates an ed25519 key pair that ssh2 can read back. ssh2's own generator emits a key its
 * parser rejects ("Malformed OpenSSH private key") about once in 250 calls, which made suites
 * flaky; such keys are simply generated again.
 */
export function generateClientKeyPair(): ClientKeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const keys = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(keys.private) instanceof Error)) return keys;
  }
  throw new Error("ssh2 generated 20 unreadable ed25519 keys in a row");
}
