import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { XapiError, XapiTransportError, normalizeFingerprint256 } from "../../sdk/xapi";
import { masterUrlFor } from "../../sdk/xapi/master-url";
import { redactError } from "../../sdk/xapi/redact";

describe("masterUrlFor (HOST_IS_SLAVE)", () => {
  it("keeps scheme and port and replaces the host", () => {
    expect(masterUrlFor("https://10.0.0.2:8443", "10.0.0.1")).toBe("https://10.0.0.1:8443");
    expect(masterUrlFor("http://member.example", "master.example")).toBe("http://master.example");
  });

  it("brackets an IPv6 master", () => {
    expect(masterUrlFor("https://10.0.0.2:8443", "fd00::1")).toBe("https://[fd00::1]:8443");
    expect(masterUrlFor("https://[fd00::2]", "[fd00::1]")).toBe("https://[fd00::1]");
  });
});

describe("normalizeFingerprint256", () => {
  const hex = "ab".repeat(32);
  it("accepts plain hex and colon form in any case", () => {
    const expected = Array(32).fill("AB").join(":");
    expect(normalizeFingerprint256(hex)).toBe(expected);
    expect(normalizeFingerprint256(expected.toLowerCase())).toBe(expected);
  });

  it("rejects anything that is not 32 bytes of hex", () => {
    expect(() => normalizeFingerprint256("AB:CD")).toThrow(/32 bytes/);
    expect(() => normalizeFingerprint256("zz".repeat(32))).toThrow(/32 bytes/);
  });
});

describe("XapiError", () => {
  it("says code, params and method", () => {
    const error = new XapiError("VM_BAD_POWER_STATE", ["OpaqueRef:1", "halted", "running"], "VM.start");
    expect(error.message).toBe("VM_BAD_POWER_STATE [OpaqueRef:1, halted, running] from VM.start");
    expect(error).toMatchObject({ xapiCode: "VM_BAD_POWER_STATE", method: "VM.start" });
  });
});

describe("redactError", () => {
  it("masks the password in XAPI params, transport details and causes", () => {
    const xapi = redactError(new XapiError("INTERNAL_ERROR", ["bad s3cret!"], "session.login_with_password"), "s3cret!") as XapiError;
    expect(xapi.message).not.toContain("s3cret!");
    expect(xapi.params).toEqual(["bad ***"]);
    const transport = redactError(new XapiTransportError("http://h/", "m", "echo s3cret!", new Error("s3cret! again")), "s3cret!") as Error;
    expect(transport.message).not.toContain("s3cret!");
    expect(String((transport.cause as Error).message)).not.toContain("s3cret!");
  });

  it("masks the password in the stack and cause of any other error (util.inspect shows both)", () => {
    const error = redactError(new Error("login failed for s3cret!", { cause: new Error("echo s3cret!") }), "s3cret!") as Error;
    expect(inspect(error)).not.toContain("s3cret!");
    expect(String(error.stack)).toContain("login failed for ***");
    const transport = redactError(new XapiTransportError("http://h/", "m", "echo s3cret!", new Error("s3cret! again")), "s3cret!") as Error;
    expect(inspect(transport)).not.toContain("s3cret!");
  });

  it("returns errors without the secret unchanged", () => {
    const error = new XapiError("HANDLE_INVALID", ["VM", "OpaqueRef:x"], "VM.get_record");
    expect(redactError(error, "s3cret!")).toBe(error);
  });
});
