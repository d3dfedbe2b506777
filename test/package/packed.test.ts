/**
 * The packed tarball, installed as a user installs it, used as the README shows: the quickstart
 * from a CommonJS file and from an ES module, a Pulumi program through the real dynamic-provider
 * host against the simulator, and `npx bioxen-luavm-sim` — all resolved from the fresh project's
 * own node_modules. Whatever the tarball misses fails here.
 * Needs a fresh `npm run build` (`npm pack` packs dist/ as it is).
 */
import { spawn } from "node:child_process";
import { builtinModules } from "node:module";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, TEMPLATES } from "../../sim";
import { Engine } from "../support/engine";
import { simEngine } from "../support/engine-suite";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { mutations } from "../provider/support/engine-checks";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim } from "../provider/support/xcpng-sim";
import { startTestSim } from "../support/sim";
import { CHECKOUT, installPackedProject, readmeBlock, runIn, userEnv, type PackedProject } from "./packed-support";

const README = readFileSync(join(CHECKOUT, "README.md"), "utf8");
const PACKAGE = JSON.parse(readFileSync(join(CHECKOUT, "package.json"), "utf8")) as { dependencies: Record<string, string>; bin: Record<string, string> };
let project: PackedProject;
let rocks: RocksServer;

beforeAll(async () => {
  [project, rocks] = await Promise.all([installPackedProject(), startRocksServer({ rocks: ["alpha"] })]);
}, 600_000);

afterAll(async () => {
  project?.remove();
  await rocks?.stop();
});

/** Every bare module specifier that a compiled file of dist/ requires. */
function bareRequires(dir: string): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), "utf8");
    // Lines of embedded Lua programs (`local socket = require("socket")`) are not Node requires.
    for (const match of text.matchAll(/^(?!\s*local )[^\n]*?require\("([^."][^"]*)"\)/gm)) {
      const parts = match[1]!.split("/");
      found.add(parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return found;
}

/** Waits until no process of group `pgid` is left; false after `ms`. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the packed tarball", () => {
  it("holds the compiled entry points, the CLI, the schema and the README, and no tests or sources", () => {
    const files = project.packedFiles;
    for (const needed of ["package.json", "README.md", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts", "dist/provider/index.js", "dist/provider/impl/xcpng-lua-vm.js", "dist/sim/index.js", "dist/sim/cli.js", ...Object.values(PACKAGE.bin)]) {
      expect(files, needed).toContain(needed.replace(/^\.\//, ""));
    }
    expect(files.some((f) => f.startsWith("schema/"))).toBe(true);
    expect(files.filter((f) => /^(test|sdk|provider|sim|bench|examples)\//.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts")))).toEqual([]);
  });

  it("requires at run time only Node built-ins and packages it lists as dependencies", () => {
    const installed = join(project.dir, "node_modules", "bioxen-luavm");
    const external = [...bareRequires(join(installed, "dist"))].filter((name) => !name.startsWith("node:") && !builtinModules.includes(name));
    expect(external.filter((name) => !(name in PACKAGE.dependencies)).sort()).toEqual([]);
  });

  it("loads the SDK from the root without the simulator, selfsigned or test hooks", async () => {
    const script = `require("bioxen-luavm"); console.log(JSON.stringify(Object.keys(require.cache)));`;
    const loaded = JSON.parse((await runIn(project.dir, process.execPath, ["-e", script])).stdout) as string[];
    expect(loaded.some((path) => path.includes("/node_modules/bioxen-luavm/dist/sdk/"))).toBe(true);
    expect(loaded.filter((path) => /\/bioxen-luavm\/dist\/sim\/|\/selfsigned\//.test(path))).toEqual([]);
    const root = await runIn(project.dir, process.execPath, ["-p", `Object.keys(require("bioxen-luavm")).filter((k) => /^(startSimulator|setConfiguredValues)$/.test(k)).join(",")`]);
    expect(root.stdout.trim()).toBe("");
  });
});

describe("the README quickstart in a fresh project", () => {
  /** The README's block, installing the fixture rock "alpha" from the local rocks server (no internet here). */
  const quickstart = () =>
    readmeBlock(README, "Lua on your machine")
      .replace('"https://luarocks.org"', () => JSON.stringify(rocks.url))
      .replace('install("inspect")', 'install("alpha")');
  const expected = ["4", "[ '40' ]", "alpha 2.0-1"];

  it("runs as an ES module: named imports from bioxen-luavm", async () => {
    expect(quickstart()).toMatch(/^import \{ createVm \} from "bioxen-luavm";$/m);
    writeFileSync(join(project.dir, "quickstart.mjs"), quickstart());
    const out = await runIn(project.dir, process.execPath, ["quickstart.mjs"]);
    expect(out.stdout.trim().split("\n")).toEqual(expected);
  });

  it("runs as CommonJS: require(\"bioxen-luavm\")", async () => {
    const cjs = `(async () => {\n${quickstart().replace(/^import \{ createVm \} from "bioxen-luavm";$/m, 'const { createVm } = require("bioxen-luavm");')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
    writeFileSync(join(project.dir, "quickstart.cjs"), cjs);
    const out = await runIn(project.dir, process.execPath, ["quickstart.cjs"]);
    expect(out.stdout.trim().split("\n")).toEqual(expected);
  });
});

describe("npx bioxen-luavm-sim in a fresh project", () => {
  it("runs on the Node that runs this suite", async () => {
    const out = await runIn(project.dir, "npx", ["--no-install", "node", "-p", "process.version"]);
    expect(out.stdout.trim()).toBe(process.version);
  });

  it("starts the simulator, serves XAPI logins and stops on SIGINT", async () => {
    // Its own process group, so SIGINT reaches npx and the simulator as Ctrl-C in a terminal does.
    const child = spawn("npx", ["--no-install", "bioxen-luavm-sim", "--fake-guests"], { cwd: project.dir, env: userEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      const ready = await new Promise<{ url: string; username: string; password: string }>((resolve, reject) => {
        let buffer = "";
        child.stdout.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          if (buffer.includes("\n")) resolve(JSON.parse(buffer.split("\n")[0]!));
        });
        child.once("exit", (code) => reject(new Error(`bioxen-luavm-sim exited (${code}) before its ready line: ${stderr}`)));
      });
      const response = await fetch(`${ready.url}/jsonrpc`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "session.login_with_password", params: [ready.username, ready.password, "1.0", "packed-test"] }),
      });
      const body = (await response.json()) as { result?: string };
      expect(body.result).toMatch(/^OpaqueRef:/);
    } finally {
      process.kill(-child.pid!, "SIGINT");
    }
    await exited;
    // npx itself dies of the SIGINT; the simulator stops cleanly and the whole group ends.
    expect(await groupGone(child.pid!, 15_000)).toBe(true);
    expect(stderr).toContain("bioxen-luavm-sim: SIGINT, stopping");
    expect(stderr).not.toContain("stop failed");
  });
});

describe("a Pulumi program written as the README shows, in a fresh project", () => {
  let env: XcpngSim;
  let engine: Engine | undefined;

  beforeAll(async () => {
    env = await startTestSim({}, { sshGuests: { addressBase: "127.88" }, counted: XCPNG_COUNTED });
  });

  afterAll(async () => {
    try {
      if (engine?.state.length) await engine.destroy();
      if (env) expectNoLeftovers(env);
    } finally {
      await env?.stop();
    }
  });

  it("runs up, a no-op up and a destroy through the dynamic-provider host, resolving bioxen-luavm from that project", async () => {
    writeFileSync(
      join(project.dir, "program.mjs"),
      `import * as pulumi from "@pulumi/pulumi";
import { XcpngLuaVM, LuaPackage } from "bioxen-luavm/provider";

export default function program(pool) {
  const vm = new XcpngLuaVM("worker", {
    template: pool.template,
    vcpus: 1, memoryMiB: 512,
    networks: [{ network: pool.network }],
    ssh: { user: pool.user, port: pool.sshPort, privateKey: pulumi.secret(pool.privateKey) },
    luaInterpreter: "lua5.4",
  });
  new LuaPackage("seq", { target: vm.sshTarget, name: "alpha", version: "1.0-1", servers: [pool.rocksServer] });
  return { ip: vm.ipAddress };
}
`,
    );
    // What the program imports resolves from the project's node_modules, as `pulumi up` would there.
    const { default: program } = (await import(pathToFileURL(join(project.dir, "program.mjs")).href)) as { default: (pool: object) => unknown };
    const pool = { template: TEMPLATES.cloneReady, network: SEEDED.managementNetwork, user: env.user, sshPort: env.sshPort, privateKey: env.keys.private, rocksServer: rocks.url };
    engine = simEngine(env.sim, {
      project: "packed",
      stack: "dev",
      programDir: project.dir,
    });

    const first = await engine.up(() => program(pool));
    expect(mutations(first).sort()).toEqual(["create seq", "create worker"]);
    const worker = engine.state.find((r) => r.urn.endsWith("::worker"))!;
    expect(env.sim.record("VM", env.sim.refOf(worker.id)!)!.other_config["bioxen:owner"]).toBe("packed/dev/XcpngLuaVM/worker");
    expect(engine.state.find((r) => r.urn.endsWith("::seq"))!.outputs.installedVersion).toBe("1.0-1");
    const serialized = JSON.stringify(engine.serializedState());
    expect(serialized).toContain("bioxen-luavm/provider/impl/xcpng-lua-vm");
    expect(serialized).not.toContain(CHECKOUT);

    expect(mutations(await engine.up(() => program(pool)))).toEqual([]);

    await engine.destroy();
    expect(engine.state).toEqual([]);
    expect(env.sim.refOf(worker.id)).toBeUndefined();
  }, 240_000);
});
