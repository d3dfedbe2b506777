import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quoteArg, quoteArgv } from "../../sdk/ssh";
import { buildRemoteCommand } from "../../sdk/ssh/remote-command";

const hostile = ["plain", "", "a b", "it's", "'", "''", "$(id)", "`id`", "a;b", "x\ny", "*", "~", "-n", "\\", "\"q\"", "ünïcødé ✓", "$HOME", "!x", "a=b"];

describe("quoteArgv", () => {
  it("round-trips hostile words through a real POSIX sh", () => {
    const script = `printf '%s\\0' ${quoteArgv(hostile)}`;
    for (const shell of ["/bin/sh", "/bin/bash"]) {
      const out = execFileSync(shell, ["-c", script]).toString("utf8");
      expect(out.split("\0").slice(0, -1)).toEqual(hostile);
    }
  });

  it("uses single quotes with '\\'' for embedded quotes", () => {
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg("")).toBe("''");
  });

  it("refuses NUL bytes, which argv cannot carry", () => {
    expect(() => quoteArg("a\0b")).toThrow(/NUL/);
  });

  it("validates environment variable names", () => {
    expect(() => buildRemoteCommand(["true"], { env: { "A;B": "1" } }, "ssh://t")).toThrow(/not valid/);
    expect(() => buildRemoteCommand([], {}, "ssh://t")).toThrow(/argv is empty/);
  });
});
