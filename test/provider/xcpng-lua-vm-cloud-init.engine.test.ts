/**
 * XcpngLuaVM with cloudInit through the real dynamic-provider host: the VM of a template with no
 * baked key is reached with the injected one, its host key is pinned from the create (no TOFU
 * record on the VM), the generated host key is a secret output whose private half appears in no
 * state text, `__provider`, plaintext output or host log; destroy takes the config drive along.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { HOST_KEY_MARKER } from "../../sdk/vm/xcpng";
import { SEEDED, TEMPLATES } from "../../sim";
import { generateClientKeyPair } from "../support/client-key";
import { isSecret, type Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, simEngine } from "../support/engine-suite";
import { startTestSim } from "../support/sim";
import { expectNoSecretLeaks, mutations, privateKeyLines } from "./support/engine-checks";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim, finishEngineSim } from "./support/xcpng-sim";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/xcpng-lua-vm from dist/.
const PASSWORD = "xcpng-ci-engine-secret-51d0";
const injected = generateClientKeyPair();
let env: XcpngSim;
let program: ProgramDir;
let engine: Engine | undefined;

beforeAll(async () => {
  env = await startTestSim({ password: PASSWORD }, { sshGuests: { addressBase: "127.95" }, counted: [...XCPNG_COUNTED, "task"] });
  program = checkoutProgramDir();
});

afterAll(() => finishEngineSim(engine, env, program));

describe("XcpngLuaVM cloudInit through the real dynamic-provider host", () => {
  it("creates a VM reachable only through the injected key with its host key pinned from the start, and leaks no private key", async () => {
    engine = simEngine(env.sim, {
      project: "ciproj",
      stack: "dev",
      config: { "bioxen:sessionIdleMs": "200" },
      programDir: program.dir,
    });
    const program_ = () => () => {
      new XcpngLuaVM("ci1", {
        template: TEMPLATES.cloudInit,
        memoryMiB: 512,
        networks: [{ network: SEEDED.managementNetwork }],
        ssh: { user: env.user, port: env.sshPort, privateKey: injected.private },
        luaInterpreter: "lua5.4",
        cloudInit: { user: env.user, disableRoot: env.user !== "root" },
        timeouts: { create: 60, ready: 60, delete: 30 },
      });
    };
    const first = await engine.up(program_());
    expect(mutations(first)).toEqual(["create ci1"]);
    const vm = engine.state[0]!;
    const hostKey = vm.outputs.cloudInitHostKey;
    expect(isSecret(hostKey)).toBe(true);
    const { privateKey, fingerprint } = (hostKey as unknown as { value: { privateKey: string; fingerprint: string } }).value;
    expect(vm.outputs.hostKeyFingerprint).toBe(fingerprint);
    expect(env.sim.sshGuests!.hostKeyFingerprint(vm.id)).toBe(fingerprint);
    expect(env.sim.record("VM", env.sim.refOf(vm.id)!)!.other_config[HOST_KEY_MARKER]).toBeUndefined();
    const drive = String(vm.outputs.configDriveVdiUuid);
    expect(env.sim.refOf(drive)).toBeDefined();

    expect(mutations(await engine.up(program_()))).toEqual([]);
    expectNoSecretLeaks(engine, [PASSWORD, ...privateKeyLines(injected.private), ...privateKeyLines(privateKey)], [first]);

    await engine.destroy();
    expect(env.sim.refOf(vm.id)).toBeUndefined();
    expect(env.sim.refOf(drive)).toBeUndefined();
    expectNoLeftovers(env);
  }, 240_000);
});
