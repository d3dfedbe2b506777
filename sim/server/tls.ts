/** The self-signed certificate the simulator serves HTTPS with. */
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

/** A PEM certificate and key, with the certificate's SHA-256 fingerprint ("AB:CD:…"). */
export interface SimCertificate {
  certificatePem: string;
  privateKeyPem: string;
  fingerprint256: string;
}

/**
 * Generates a fresh self-signed certificate for the given host names / IP addresses.
 * @param names the first is the CN; all go into subjectAltName
 */
export function generateCertificate(names: readonly string[]): SimCertificate {
  const altNames = names.map((name) => (/^[\d.]+$/.test(name) || name.includes(":") ? { type: 7, ip: name } : { type: 2, value: name }));
  const pems = generate([{ name: "commonName", value: names[0] }], {
    days: 30,
    keySize: 2048,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return {
    certificatePem: pems.cert,
    privateKeyPem: pems.private,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
  };
}
