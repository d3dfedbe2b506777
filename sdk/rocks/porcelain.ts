/** One installed rock version, as `luarocks list --porcelain` reports it. */
export interface InstalledRock {
  name: string;
  version: string;
}

/** One rock version a server offers, as `luarocks search --porcelain` reports it. */
export interface AvailableRock {
  name: string;
  version: string;
  /** "src", "rockspec", "all" or a platform such as "linux-x86_64". */
  arch: string;
  /** The server (repository) URL or path. */
  repo: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const VERSION = /^[A-Za-z0-9._-]+$/;

/**
 * Parses `luarocks list --porcelain` (tab-separated "name version status tree" lines). Lines
 * that are not such records (warnings, blank lines) are skipped, not guessed at.
 */
export function parseListPorcelain(stdout: string): InstalledRock[] {
  return records(stdout)
    .filter((fields) => fields.length >= 3 && fields[2] === "installed")
    .map(([name, version]) => ({ name, version }));
}

/**
 * Parses `luarocks search --porcelain` (tab-separated "name version arch repo [namespace]"),
 * dropping entries for rocks already installed or provided by the Lua VM (arch "installed").
 */
export function parseSearchPorcelain(stdout: string): AvailableRock[] {
  return records(stdout)
    .filter((fields) => fields.length >= 4 && fields[2] !== "installed")
    .map(([name, version, arch, repo]) => ({ name, version, arch, repo }));
}

/**
 * The rock names of `luarocks show --deps` ("alpha >= 1.0" lines: the name, then its
 * constraint); "lua" itself, which no tree holds, is left out.
 */
export function parseDependencyNames(stdout: string): string[] {
  const names = stdout.split("\n").map((line) => line.trim().split(/\s+/)[0] ?? "");
  return [...new Set(names.filter((name) => NAME.test(name) && name !== "lua"))];
}

function records(stdout: string): string[][] {
  return stdout
    .split("\n")
    .map((line) => line.replace(/\r$/, "").split("\t"))
    .filter(([name, version]) => NAME.test(name ?? "") && VERSION.test(version ?? ""));
}
