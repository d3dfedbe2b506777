import { execFile } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestArea, type GuestArea } from "../../sim/guest/area-layout";
import { GUEST_AREA_ENV, writeGuestShell } from "../../sim/guest/guest-shell";
import { prepareArea } from "../../sim/guest/prepare-area";
import { writeTinyRock } from "./tiny-rock";
import { startRocksServer } from "../support/rocks-server";

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let root: string;
let shell: string;
let areaA: GuestArea;
let areaB: GuestArea;
let sources: string;

/**
 * Runs the login wrapper as sshd would: original command in SSH_ORIGINAL_COMMAND, area via SetEnv,
 * USER as given; `prefix` runs first and execs the rest (e.g. prlimit).
 */
function login(area: GuestArea | undefined, command: string, asNobody = false, user?: string, prefix: string[] = []): Promise<Run> {
  const env: NodeJS.ProcessEnv = { PATH: "/usr/local/bin:/usr/bin:/bin", SSH_ORIGINAL_COMMAND: command };
  if (area) env[GUEST_AREA_ENV] = area.root;
  env.USER = user ?? (asNobody ? "nobody" : (process.env.USER ?? ""));
  const argv = [...prefix, ...(asNobody ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", shell] : [shell])];
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env, cwd: "/", timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : null) : 0 });
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "bioxen-guest-shell-"));
  await chmod(root, 0o755); // the unprivileged run below must reach its area
  shell = writeGuestShell(path.join(root, "guest-shell.sh"));
  areaA = guestArea(root, "vm-a");
  areaB = guestArea(root, "vm-b");
  await prepareArea(areaA);
  await prepareArea(areaB);
  sources = path.join(root, "src");
  await writeTinyRock(sources, "tinya", "hello from A");
  await writeTinyRock(sources, "tinyuser", "hello from the user tree");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("guest login wrapper", () => {
  it("starts in the area's HOME with the guest's LuaRocks config, paths and PATH", async () => {
    const run = await login(
      areaA,
      'pwd; echo "$HOME"; echo "$LUAROCKS_CONFIG"; echo "$PATH"; echo "$LUA_PATH_5_4"; echo "${SSH_ORIGINAL_COMMAND-unset}"',
    );
    expect(run.code).toBe(0);
    const [cwd, home, config, pathVar, luaPath, original] = run.stdout.trim().split("\n");
    expect(cwd).toBe(areaA.home);
    expect(home).toBe(areaA.home);
    expect(config).toBe(areaA.luarocksConfig);
    expect(pathVar!.split(":").slice(0, 2)).toEqual([`${areaA.userTree}/bin`, `${areaA.systemTree}/bin`]);
    expect(luaPath).toContain(`${areaA.systemTree}/share/lua/5.4/?.lua`);
    expect(luaPath).toContain(`${areaA.userTree}/share/lua/5.4/?.lua`);
    expect(luaPath!.endsWith(";;")).toBe(true);
    expect(original).toBe("unset");
  });

  it("runs the original command with sh -c, like sshd (the client quoted it)", async () => {
    const run = await login(areaA, `printf '<%s>\\n' 'a b' "c'd" '$HOME'`);
    expect(run.stdout).toBe("<a b>\n<c'd>\n<$HOME>\n");
    expect((await login(areaA, "exit 7")).code).toBe(7);
  });

  it("starts no process of its own before the command: it runs where no fork is allowed", async () => {
    // RLIMIT_NPROC 1: the user may not fork at all (root ignores the limit, so run as nobody).
    // Every SSH command into a guest goes through this wrapper: a subshell per search path cost
    // ~25 ms of CPU per command on a 2-core CI machine.
    const run = await login(areaA, 'echo "$LUA_PATH_5_1|$LUA_CPATH_5_4"', isRoot, undefined, ["prlimit", "--nproc=1"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `${areaA.userTree}/share/lua/5.1/?.lua;${areaA.userTree}/share/lua/5.1/?/init.lua;${areaA.systemTree}/share/lua/5.1/?.lua;${areaA.systemTree}/share/lua/5.1/?/init.lua;;|` +
        `${areaA.userTree}/lib/lua/5.4/?.so;${areaA.systemTree}/lib/lua/5.4/?.so;;\n`,
    );
    // The limit holds: a command that has to fork (an external program that is not the last) cannot.
    expect((await login(areaA, "/bin/true; echo after", isRoot, undefined, ["prlimit", "--nproc=1"])).stderr).toMatch(/fork/i);
  });

  it("refuses to run without its area", async () => {
    const run = await login(undefined, "echo should-not-run");
    expect(run.code).not.toBe(0);
    expect(run.stdout).not.toContain("should-not-run");
    expect(run.stderr).toContain(GUEST_AREA_ENV);
  });

  it("keeps a rock installed in one guest out of the other guest and out of /usr/local", async () => {
    const install = await login(areaA, `cd ${sources} && luarocks --lua-version 5.4 make tinya-1.0-1.rockspec`);
    expect(install.stderr + install.stdout).toContain(`is now installed in ${areaA.systemTree}`);
    const probe = `lua5.4 -e 'print(require("tinya").hello)'`;
    expect((await login(areaA, probe)).stdout).toBe("hello from A\n");
    const inB = await login(areaB, probe);
    expect(inB.code).not.toBe(0);
    expect(inB.stderr).toContain("module 'tinya' not found");
    expect(existsSync(path.join(areaA.systemTree, "share/lua/5.4/tinya.lua"))).toBe(true);
    expect(existsSync("/usr/local/share/lua/5.4/tinya.lua")).toBe(false);
    expect(existsSync("/usr/local/lib/luarocks/rocks-5.4/tinya")).toBe(false);
    const listB = await login(areaB, "luarocks --lua-version 5.4 list --porcelain");
    expect(listB.stdout).not.toContain("tinya");
  });

  it("keeps LuaRocks' download cache in the guest's HOME when USER=root, not in the host's /var/cache", async () => {
    const server = await startRocksServer({ rocks: ["alpha"] });
    try {
      const cacheName = server.url.replace(/[/:]/g, "_");
      const install = await login(areaA, `luarocks --lua-version 5.4 --only-server ${server.url} install alpha 1.0-1`, false, "root");
      expect(install.stderr + install.stdout).toContain(`is now installed in ${areaA.systemTree}`);
      expect(existsSync(path.join(areaA.home, ".cache/luarocks", cacheName))).toBe(true);
      expect(existsSync(path.join("/var/cache/luarocks", cacheName))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it("maps --tree system into the guest's own area", async () => {
    const tree = await login(areaB, "luarocks --lua-version 5.4 --tree system config deploy_lua_dir");
    expect(tree.stdout.trim()).toBe(`${areaB.systemTree}/share/lua/5.4`);
  });

  it("works for an ordinary user: default installs land in the area, --local in the area's HOME", async () => {
    // As root, drop to nobody; otherwise the test already runs as an ordinary user.
    if (isRoot) {
      for (const dir of await walk(areaB.root)) await chown(dir, NOBODY, NOBODY);
    }
    const asUser = isRoot;
    const local = await login(areaB, `cd ${sources} && luarocks --lua-version 5.4 --local make tinyuser-1.0-1.rockspec`, asUser);
    expect(local.stderr + local.stdout).toContain(`is now installed in ${areaB.userTree}`);
    const probe = await login(areaB, `lua5.4 -e 'print(require("tinyuser").hello)'`, asUser);
    expect(probe.stdout).toBe("hello from the user tree\n");
    expect((await stat(path.join(areaB.userTree, "share/lua/5.4/tinyuser.lua"))).isFile()).toBe(true);
    const plain = await login(areaB, `cd ${sources} && luarocks --lua-version 5.4 make tinya-1.0-1.rockspec`, asUser);
    expect(plain.stderr + plain.stdout).toContain(`is now installed in ${areaB.systemTree}`);
    expect(existsSync(path.join(areaA.userTree, "share/lua/5.4/tinyuser.lua"))).toBe(false);
  });
});

/** Every directory and file under `dir`, `dir` included. */
async function walk(dir: string): Promise<string[]> {
  const found = [dir];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else found.push(full);
  }
  return found;
}
