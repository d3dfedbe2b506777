/**
 * What an engine test file (*.engine.test.ts) sets up around the engine harness (./engine): a
 * program folder linking this checkout, engines logged in to a simulator, and the teardown that
 * destroys what the stacks still hold and then always releases servers and folders.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { closeAllSshConnections } from "../../sdk/ssh";
import { Engine, createProgramDir, type EngineOptions, type ProgramDir } from "./engine";

/** This checkout: the package under test, found from this file's location (never a fixed path). */
const CHECKOUT = resolve(__dirname, "../..");

/** A program folder whose node_modules/bioxen-luavm links this checkout (remove it after the file). */
export function checkoutProgramDir(): ProgramDir {
  return createProgramDir({ "bioxen-luavm": CHECKOUT });
}

/** A temporary folder with an empty `home` in it (the provider host's HOME: luarocks caches there). */
export interface TempHome {
  dir: string;
  home: string;
}

/** Creates a {@link TempHome} under the OS temp folder, named after `prefix`. */
export function makeTempHome(prefix: string): TempHome {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "home"));
  return { dir, home: join(dir, "home") };
}

/** The XAPI login a simulator accepts (a TestSim's `sim`, or `credentials(sim)`). */
export interface XapiLogin {
  url: string;
  username: string;
  password: string;
}

/**
 * An engine whose stack config logs in to `login`: bioxen:xapiUrl/Username/Password, the password
 * a secret config value, as a user's stack holds it. `options.config` and `secretConfigKeys` add to that.
 */
export function simEngine(login: XapiLogin, options: EngineOptions): Engine {
  return new Engine({
    ...options,
    config: { "bioxen:xapiUrl": login.url, "bioxen:xapiUsername": login.username, "bioxen:xapiPassword": login.password, ...options.config },
    secretConfigKeys: ["bioxen:xapiPassword", ...(options.secretConfigKeys ?? [])],
  });
}

/** What {@link finishEngineSuite} destroys, checks and releases. */
export interface EngineSuiteParts {
  /** Engines whose state may still hold resources (undefined entries: never created). */
  engines?: ReadonlyArray<Engine | undefined>;
  /** Runs after every destroy succeeded (e.g. a leftover check); skipped when one failed. */
  check?: () => void | Promise<void>;
  program?: ProgramDir;
  /** Servers to stop (simulators, rocks servers, sshd); undefined entries never started. */
  servers?: ReadonlyArray<{ stop(): Promise<void> } | undefined>;
  /** Temporary folders to remove. */
  folders?: ReadonlyArray<string | undefined>;
}

/**
 * Ends an engine test file: destroys what each engine's state still holds, runs `check`, then —
 * whether that failed or not — closes this process's SSH connections, removes the program folder
 * and the temporary folders and stops the servers (together: they are independent).
 */
export async function finishEngineSuite(parts: EngineSuiteParts): Promise<void> {
  try {
    for (const engine of parts.engines ?? []) if (engine?.state.length) await engine.destroy();
    await parts.check?.();
  } finally {
    await closeAllSshConnections();
    parts.program?.remove();
    for (const folder of parts.folders ?? []) if (folder) rmSync(folder, { recursive: true, force: true });
    await Promise.all((parts.servers ?? []).map((server) => server?.stop()));
  }
}
