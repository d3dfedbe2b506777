/**
 * Writes test/fixtures/state/<version>.json: the engine state that THIS checkout's resources
 * (XcpngLuaVM, LuaPackage, VmNetwork, LocalLua) leave after one `up` against the simulator,
 * `__provider` included as the engine stores it. Run once per release, before the release:
 *   npm run build && npx tsx test/compat/generate-state-fixture.ts
 * Values that name this run's world (URLs, uuids, keys, addresses, temp paths) become
 * placeholders `<<NAME>>`, listed in the file; everything else is the state byte for byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { XapiClient } from "../../sdk/xapi";
import { startSimulator } from "../../sim";
import { checkoutProgramDir } from "../support/engine-suite";
import { startRocksServer } from "../support/rocks-server";
import { generateClientKeyPair } from "../support/client-key";
import { fixtureEngine, fixtureProgram, placeholderValues } from "./state-fixture";

const ROOT = resolve(__dirname, "../..");
const VERSION = (require(join(ROOT, "package.json")) as { version: string }).version;

async function main(): Promise<void> {
  // Not test/support/sim (it imports vitest): the same simulator set-up, by hand.
  const keys = generateClientKeyPair();
  const sshPort = 2222;
  const sim = await startSimulator({ slaveHost: false, latency: { scale: 0 }, guest: { authorizedKeys: [keys.public], bootDelayMs: 100, sshPort, addressBase: "127.89" } });
  const env = { sim, keys: { private: keys.private }, user: userInfo().username, sshPort };
  const rocks = await startRocksServer({ rocks: ["alpha"] });
  const program = checkoutProgramDir();
  const tree = mkdtempSync(join(tmpdir(), "bioxen-fixture-tree-"));
  const engine = fixtureEngine(sim, program.dir);
  try {
    const world = { sshUser: env.user, sshPort: env.sshPort, privateKey: env.keys.private, rocksUrl: rocks.url, tree };
    await engine.up(fixtureProgram(world));
    const placeholders = placeholderValues(engine.state, { ...world, xapiUrl: sim.url, poolUuid: await poolUuid(sim.url, sim.username, sim.password), programDir: program.dir });
    const { USER: user, ...longValues } = placeholders;
    let text = JSON.stringify(engine.state, null, 2);
    for (const [name, value] of Object.entries(longValues).sort(([, a], [, b]) => b.length - a.length)) {
      text = text.split(JSON.stringify(value).slice(1, -1)).join(`<<${name}>>`);
    }
    // The user name is short ("root"): only whole values and the ssh:// id, not parts of keys.
    text = text.split(JSON.stringify(user)).join('"<<USER>>"').split(`ssh://${user}@`).join("ssh://<<USER>>@");
    const out = join(ROOT, "test", "fixtures", "state", `${VERSION}.json`);
    writeFileSync(out, `${JSON.stringify({ version: VERSION, placeholders: Object.keys(placeholders), state: JSON.parse(text) }, null, 2)}\n`);
    console.log(`wrote ${out}`);
    await engine.destroy();
  } finally {
    program.remove();
    rmSync(tree, { recursive: true, force: true });
    await rocks.stop();
    await sim.stop();
  }
}

async function poolUuid(url: string, username: string, password: string): Promise<string> {
  const client = await XapiClient.connect({ url, username, password, timeoutMs: 20_000 });
  try {
    const [pool] = (await client.call("pool.get_all")) as string[];
    return String(await client.call("pool.get_uuid", pool!));
  } finally {
    await client.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
