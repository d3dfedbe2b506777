/**
 * The provider is built only on the SDK: no file under provider/ calls an XAPI client method
 * (`call`, `callWith`, `callAsync`, `callAsyncWith`) itself; a step it needs is an SDK function
 * (sdk/xapi/recipes, sdk/vm/xcpng, sdk/vm/network). Session handling (connect, close) stays in
 * provider/runtime/connections.ts and is not a call.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const XAPI_CALL = /\.(?:callAsyncWith|callAsync|callWith|call)\s*\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `file:line: text` of every line that calls an XAPI client method. */
function rawXapiCalls(files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((text, index) => (XAPI_CALL.test(text) ? [`${relative(ROOT, file)}:${index + 1}: ${text.trim()}`] : [])),
  );
}

describe("provider/ layering", () => {
  it("never calls an XAPI client method itself", () => {
    const files = sourceFiles(join(ROOT, "provider"));
    expect(files.length).toBeGreaterThan(20);
    expect(rawXapiCalls(files), "move these XAPI calls into an sdk/ function").toEqual([]);
  });

  it("recognises every form of XAPI call", () => {
    for (const line of ['await client.call("VM.get_uuid", ref)', 'client.callWith(options, "pool.get_all")', 'client.callAsync("VM.clone", vm, "x")', "client.callAsyncWith(wait, 'VM.start', vm)"]) {
      expect(XAPI_CALL.test(line), line).toBe(true);
    }
    expect(XAPI_CALL.test("const caller = client.callers; withXapi(conn, fn)")).toBe(false);
  });

  it("keeps the SDK's XAPI calls where the VmNetwork steps moved", () => {
    expect(rawXapiCalls(sourceFiles(join(ROOT, "sdk", "vm", "network"))).length).toBeGreaterThan(10);
  });
});
