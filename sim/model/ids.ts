/** Generated identifiers: MAC addresses. */
import { randomBytes } from "node:crypto";

/** A random locally administered unicast MAC, as xapi generates for `MAC: ""`. */
export function randomMac(): string {
  const bytes = randomBytes(6);
  bytes[0] = (bytes[0] & 0xfe) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":");
}
