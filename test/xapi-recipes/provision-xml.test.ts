import { describe, expect, it } from "vitest";
import { listProvisionDisks, rewriteProvisionSr } from "../../sdk/xapi/recipes";

const TWO_DISKS =
  '<provision><disk device="0" size="8589934592" sr="" bootable="true" type="system"/>' +
  '<disk device="1" size="1073741824" sr="OLD" bootable="false" type="system" note="a&amp;b"/></provision>';

describe("provision XML", () => {
  it("rewrites the sr of every disk and keeps the other attributes", () => {
    const out = rewriteProvisionSr(TWO_DISKS, "new-sr-uuid");
    expect(listProvisionDisks(out)).toEqual([
      { device: "0", size: 8589934592, sr: "new-sr-uuid", bootable: true, type: "system" },
      { device: "1", size: 1073741824, sr: "new-sr-uuid", bootable: false, type: "system" },
    ]);
    expect(out).toContain('note="a&amp;b"');
    expect(out).not.toContain("OLD");
  });

  it("adds an sr attribute to a disk that has none", () => {
    const out = rewriteProvisionSr('<provision><disk device="0" size="1"/></provision>', "S");
    expect(listProvisionDisks(out)[0]?.sr).toBe("S");
  });

  it("rejects XML that is not well formed, naming the field", () => {
    expect(() => rewriteProvisionSr("<provision><disk", "S")).toThrow(/other_config\.disks: not well-formed XML/);
  });
});
