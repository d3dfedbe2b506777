import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A temporary Pulumi program folder whose node_modules links to local packages. */
export interface ProgramDir {
  /** Absolute path: pass it as EngineOptions.programDir (the provider host's cwd). */
  dir: string;
  /** Removes the folder (the linked packages are untouched). */
  remove(): void;
}

/**
 * Creates a program folder as `npm install` would leave it for the provider host: each package
 * in `packages` (name → folder) is symlinked into node_modules, so `require("name/subpath")`
 * resolves through that package's "exports" map, exactly as in a user's project.
 */
export function createProgramDir(packages: Record<string, string>): ProgramDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-program-"));
  try {
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "engine-harness-program", private: true }));
    for (const [name, target] of Object.entries(packages)) {
      const link = path.join(dir, "node_modules", ...name.split("/"));
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.resolve(target), link, "dir");
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not create a program folder linking ${Object.keys(packages).join(", ")}: ${(err as Error).message}`);
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
