/**
 * Issue #16's loose ends that need no server: a host-key policy with fields set to undefined or of
 * the wrong type is an SshError (never a TypeError), and checkEnvironment/parseEnvironment refuse
 * a text over the same size cap as loadEnvironmentFile.
 */
import { describe, expect, it } from "vitest";
import { checkEnvironment, EnvironmentError, MAX_ENVIRONMENT_FILE_BYTES, parseEnvironment } from "../../sdk/env";
import { SshError, sshTarget, type HostKeyPolicy } from "../../sdk/ssh";

function policyError(hostKey: unknown): unknown {
  try {
    sshTarget({ host: "192.0.2.1", username: "root", hostKey: hostKey as HostKeyPolicy });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("hostKey policies as callers build them", () => {
  it("trustOnFirstUse with an undefined fingerprint (or known_hosts path) is trust on first use", () => {
    expect(policyError({ trustOnFirstUse: true, fingerprint: undefined })).toBeUndefined();
    expect(policyError({ trustOnFirstUse: true, knownHostsPath: undefined })).toBeUndefined();
  });

  for (const [label, hostKey, message] of [
    ["a numeric fingerprint", { fingerprint: 5 }, /hostKey\.fingerprint 5 is not a SHA256/],
    ["a null fingerprint beside trustOnFirstUse", { trustOnFirstUse: true, fingerprint: null }, /hostKey\.fingerprint null is not a SHA256/],
    ["an empty known_hosts path", { knownHostsPath: "" }, /hostKey\.knownHostsPath must be the path/],
    ["trustOnFirstUse: \"yes\"", { trustOnFirstUse: "yes" }, /hostKey is required/],
    ["an empty object", {}, /hostKey is required/],
    ["a string", "SHA256:abc", /hostKey is required/],
  ] as const) {
    it(`${label} is an SshError saying what to give`, () => {
      const error = policyError(hostKey);
      expect(error).toBeInstanceOf(SshError);
      expect((error as SshError).reason).toBe("INVALID_ARGUMENT");
      expect((error as SshError).message).toMatch(message);
    });
  }
});

describe("environment texts over the size cap", () => {
  const huge = `version: 1\n#${"x".repeat(MAX_ENVIRONMENT_FILE_BYTES)}\n`;

  it("checkEnvironment reports one issue at 1:1 and parses nothing", () => {
    const result = checkEnvironment(huge, "big.yaml");
    expect(result.spec).toBeUndefined();
    expect(result.issues).toEqual([expect.objectContaining({ file: "big.yaml", line: 1, column: 1, message: expect.stringContaining(`more than the ${MAX_ENVIRONMENT_FILE_BYTES} allowed`) })]);
  });

  it("parseEnvironment throws an EnvironmentError naming the cap", () => {
    expect(() => parseEnvironment(huge, "big.yaml")).toThrow(EnvironmentError);
    expect(() => parseEnvironment(huge, "big.yaml")).toThrow(/big\.yaml:1:1: the environment is \d+ bytes, more than the/);
  });

  it("counts UTF-8 bytes, not characters", () => {
    const wide = `version: 1\n#${"é".repeat(MAX_ENVIRONMENT_FILE_BYTES / 2)}\n`;
    expect(wide.length).toBeLessThan(MAX_ENVIRONMENT_FILE_BYTES);
    expect(checkEnvironment(wide, "wide.yaml").issues[0]?.message).toMatch(/more than the/);
  });
});
