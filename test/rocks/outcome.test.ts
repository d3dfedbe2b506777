/** Reading an install/remove outcome from luarocks' own output (captured from luarocks 3.8). */
import { describe, expect, it } from "vitest";
import { installedVersionReported, removedVersionsReported, reportsNotInstalled } from "../../sdk/rocks/outcome";

const UPGRADE_OUTPUT = [
  "Installing http://127.0.0.1:34901/b2/alpha-2.0-1.src.rock",
  "",
  "alpha 2.0-1 is now installed in /tmp/rtree (license: MIT)",
  "",
  "Checking stability of dependencies in the absence of",
  "alpha 1.0-1...",
  "",
  "Removing alpha 1.0-1...",
  "Removal successful.",
].join("\n");

describe("luarocks outcome parsing", () => {
  it("reads the installed version and the versions an install replaced", () => {
    expect(installedVersionReported(UPGRADE_OUTPUT, "alpha")).toBe("2.0-1");
    expect(removedVersionsReported(UPGRADE_OUTPUT, "alpha")).toEqual(["1.0-1"]);
  });

  it("does not take another rock's lines, or the dependency check's lines, for this rock's", () => {
    const beta = "beta 1.0-1 depends on alpha >= 1.0 (2.0-1 installed)\nbeta 1.0-1 is now installed in /t (license: MIT)\n";
    expect(installedVersionReported(beta, "alpha")).toBeUndefined();
    expect(installedVersionReported(beta, "beta")).toBe("1.0-1");
    expect(removedVersionsReported("Checking stability of dependencies in the absence of\nbeta 1.0-1...\n", "beta")).toBeUndefined();
    expect(removedVersionsReported("Removing alpha-x 1.0-1...\n", "alpha")).toBeUndefined();
  });

  it("reads every version a remove names, and says nothing about output it does not know", () => {
    expect(removedVersionsReported("Removing alpha 1.0-1...\r\nRemoving alpha 2.0-1...\r\nRemoval successful.\r\n", "alpha")).toEqual(["1.0-1", "2.0-1"]);
    expect(installedVersionReported("", "alpha")).toBeUndefined();
    expect(removedVersionsReported("Removal successful.\n", "alpha")).toBeUndefined();
  });

  it("recognises a remove of a rock that is not installed", () => {
    expect(reportsNotInstalled("\nError: Could not find rock 'beta' in /tmp/rtree\n", "beta")).toBe(true);
    expect(reportsNotInstalled("Will not remove alpha 2.0-1.\nError: Failed removing.\n", "alpha")).toBe(false);
  });
});
