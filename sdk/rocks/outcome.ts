/**
 * What one luarocks install/remove run reports about its own outcome, read from its output so
 * that no `luarocks list` (another ~200 ms luarocks start) is needed to learn it. `undefined`
 * means the output did not say: the caller then verifies with `luarocks list`.
 */

/** The version `luarocks install` says it installed ("<name> <version> is now installed in …"). */
export function installedVersionReported(output: string, name: string): string | undefined {
  return linesNaming(output, "", name, /^(\S+) is now installed in /)[0];
}

/**
 * The versions `luarocks remove` (or an install replacing other versions) says it removed
 * ("Removing <name> <version>..."); undefined when none is named.
 */
export function removedVersionsReported(output: string, name: string): string[] | undefined {
  const versions = linesNaming(output, "Removing ", name, /^(\S+)\.\.\.$/);
  return versions.length > 0 ? versions : undefined;
}

/** True when luarocks refused a remove because no such rock (version) is installed. */
export function reportsNotInstalled(stderr: string, name: string): boolean {
  return stderr.includes(`Could not find rock '${name}`);
}

/** The first capture of `rest` on each line "<prefix><name> <rest>". */
function linesNaming(output: string, prefix: string, name: string, rest: RegExp): string[] {
  const found: string[] = [];
  const start = `${prefix}${name} `;
  for (const raw of output.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (!line.startsWith(start)) continue;
    const match = rest.exec(line.slice(start.length));
    if (match) found.push(match[1]);
  }
  return found;
}
