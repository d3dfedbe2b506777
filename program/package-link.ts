/**
 * The dynamic providers' host loads `bioxen-luavm/provider/impl/*` through the node_modules
 * folders of the program folder and its parents (see provider/shim.ts), and that subpath is the
 * BUILT package (dist/). Inside this repository nothing installs the package into its own
 * node_modules, so the root program checks it up front and says how to fix it, instead of
 * failing later inside the provider host.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

/** The module every resource's provider loads; resolving it proves the package is reachable and built. */
const PROBE = "bioxen-luavm/provider/impl/local-lua";

/** Why the providers could not load from `projectDir`, with the commands that fix it; undefined when they can. */
export function packageLinkProblem(projectDir: string): string | undefined {
  const dir = path.resolve(projectDir);
  const installed = installedPackage(dir);
  if (!installed) {
    return (
      `the dynamic providers cannot find the bioxen-luavm package from ${dir}: ` +
      `in this repository run \`npm run build && ln -sfn .. node_modules/bioxen-luavm\`; in a project of your own, \`npm install bioxen-luavm\``
    );
  }
  try {
    require.resolve(PROBE, { paths: [installed] });
    return undefined;
  } catch (error) {
    return `the dynamic providers cannot load ${PROBE} from ${installed}: ${(error as Error).message.split("\n")[0]}; build the package first (\`npm run build\`)`;
  }
}

/** The node_modules folder holding bioxen-luavm, as the provider host looks for it (no self-reference). */
function installedPackage(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const modules = path.join(at, "node_modules");
    if (existsSync(path.join(modules, "bioxen-luavm", "package.json"))) return modules;
    if (path.dirname(at) === at) return undefined;
  }
}
