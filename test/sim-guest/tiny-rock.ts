import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";

/**
 * Writes a pure-Lua rock's sources to `dir`: `<name>.lua` returning `{ hello = <greeting> }` and
 * `<name>-1.0-1.rockspec`, so `luarocks make` installs it without any network.
 */
export async function writeTinyRock(dir: string, name: string, greeting: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${name}.lua`), `return { hello = ${JSON.stringify(greeting)} }\n`);
  const rockspec = path.join(dir, `${name}-1.0-1.rockspec`);
  await writeFile(
    rockspec,
    [
      `package = "${name}"`,
      `version = "1.0-1"`,
      `source = { url = "file:///dev/null" }`,
      `build = { type = "builtin", modules = { ${name} = "${name}.lua" } }`,
      "",
    ].join("\n"),
  );
  return rockspec;
}
