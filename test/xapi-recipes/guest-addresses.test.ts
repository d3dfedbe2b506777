import { describe, expect, it } from "vitest";
import { isLinkLocal, parseCidr, pickGuestAddress, reportedAddresses } from "../../sdk/xapi/recipes";

describe("guest address choice", () => {
  const racing = {
    "0/ip": "169.254.10.20",
    "0/ipv4/0": "169.254.10.20",
    "0/ipv4/1": "10.1.2.3",
    "0/ipv6/0": "fe80::1",
    "0/ipv6/1": "fd00::7",
    "1/ip": "127.77.0.9",
  };

  it("skips link-local addresses and prefers N/ipv4/I", () => {
    expect(pickGuestAddress(racing, "0")).toBe("10.1.2.3");
    expect(pickGuestAddress({ "0/ip": "169.254.1.1", "0/ipv6/0": "fe80::2" }, "0")).toBeUndefined();
  });

  it("falls back to the legacy N/ip key", () => {
    expect(pickGuestAddress(racing, "1")).toBe("127.77.0.9");
  });

  it("orders ipv4 by index, then N/ip, then ipv6, without duplicates", () => {
    expect(reportedAddresses({ "0/ipv4/10": "b", "0/ipv4/2": "a", "0/ip": "a", "0/ipv6/0": "c" }, "0")).toEqual(["a", "b", "c"]);
  });

  it("honours an expected CIDR, IPv6 only when asked", () => {
    expect(pickGuestAddress(racing, "0", parseCidr("fd00::/64"))).toBe("fd00::7");
    expect(pickGuestAddress(racing, "0", parseCidr("192.168.0.0/16"))).toBeUndefined();
    expect(pickGuestAddress({ "0/ipv6/0": "fd00::7" }, "0")).toBeUndefined();
  });

  it("knows link-local ranges exactly", () => {
    expect(isLinkLocal("169.254.0.1")).toBe(true);
    expect(isLinkLocal("169.255.0.1")).toBe(false);
    expect(isLinkLocal("febf::1")).toBe(true);
    expect(isLinkLocal("fec0::1")).toBe(false);
  });

  it("rejects malformed CIDRs clearly", () => {
    expect(() => parseCidr("10.0.0.0/33")).toThrow(/invalid CIDR "10\.0\.0\.0\/33"/);
    expect(() => parseCidr("banana")).toThrow(/invalid CIDR/);
  });
});
