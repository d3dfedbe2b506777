/**
 * The one way tests and benchmarks start the pool simulator: fast defaults (or the XAPI client
 * suites' paced ones), optionally real sshd guests that accept a fresh key pair, a logged-in XAPI
 * client and the object counts at start. No vitest here, so benchmarks can use it; the leak check
 * and the stop-after-file hook are in ./sim-suite.
 */
import { userInfo } from "node:os";
import { XapiClient, type XapiTransportChoice } from "../../sdk/xapi";
import { ownerMarkerKey, ownerTag } from "../../sdk/xapi/recipes";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../sim";
import { generateClientKeyPair, type ClientKeyPair } from "./client-key";

/** Simulator defaults per pace; the caller's options override them. */
const PACES = {
  /** No latency, no pool member. */
  fast: { slaveHost: false, latency: { scale: 0 } },
  /** The XAPI client suites': no guests, a fifth of the default latency, a 50 ms login-failure delay, the pool member on. */
  paced: { guests: false, loginFailureDelayMs: 50, latency: { scale: 0.2 } },
} satisfies Record<string, SimulatorOptions>;

/** Port of every guest sshd. */
const GUEST_SSH_PORT = 2222;

/** Real sshd guests that accept a key pair made for the run. */
export interface SshGuestSetup {
  /** Guest addresses `<addressBase>.x.y`: one range per suite, so suites do not meet each other's guests. */
  addressBase: string;
  /** Delay before a booted guest reports its addresses (default 100 ms). */
  bootDelayMs?: number;
}

/** What {@link startTestSim} sets up around the simulator. */
export interface TestSimSetup {
  /** Simulator defaults under the options (default "fast"). */
  pace?: keyof typeof PACES;
  /** Log an XAPI client in (default true). */
  client?: boolean;
  /** XAPI transport of the client (default "auto"). */
  transport?: XapiTransportChoice;
  /** Classes whose counts are taken at start, for the leak check (default none). */
  counted?: readonly string[];
  /** Real sshd guests that accept a fresh key pair (default: guests as the options say). */
  sshGuests?: SshGuestSetup;
}

/** A running simulator, its client and the object counts taken at start. */
export interface TestSim {
  sim: Simulator;
  /** The logged-in client (throws when started with `client: false`). */
  client: XapiClient;
  /** The classes whose counts the leak check compares. */
  counted: readonly string[];
  /** Counts of the `counted` classes right after the start. */
  baseline: Record<string, number>;
  /** Closes the client, then stops the simulator. */
  stop(): Promise<void>;
}

/** How to log in to the sshd guests of a simulator started with `sshGuests`. */
export interface SshGuestLogin {
  keys: ClientKeyPair;
  /** the OS user the guests log in as */
  user: string;
  /** guest sshd port */
  sshPort: number;
}

/**
 * Starts a simulator (`options` over the defaults of `setup.pace`) and, unless `client: false`,
 * logs a client in; stops the simulator again if the login fails.
 */
export async function startTestSim(options: SimulatorOptions | undefined, setup: TestSimSetup & { sshGuests: SshGuestSetup }): Promise<TestSim & SshGuestLogin>;
export async function startTestSim(options?: SimulatorOptions, setup?: TestSimSetup): Promise<TestSim>;
export async function startTestSim(options: SimulatorOptions = {}, setup: TestSimSetup = {}): Promise<TestSim & Partial<SshGuestLogin>> {
  const login = setup.sshGuests && sshGuestLogin();
  const guest = setup.sshGuests && login && { guest: { authorizedKeys: [login.keys.public], bootDelayMs: setup.sshGuests.bootDelayMs ?? 100, sshPort: login.sshPort, addressBase: setup.sshGuests.addressBase } };
  const sim = await startSimulator({ ...PACES[setup.pace ?? "fast"], ...guest, ...options });
  try {
    const client = setup.client === false ? undefined : await XapiClient.connect({ ...credentials(sim), timeoutMs: 20_000, transport: setup.transport ?? "auto" });
    const counted = setup.counted ?? [];
    return {
      sim,
      ...login,
      get client(): XapiClient {
        if (!client) throw new Error("test set-up: this simulator was started with client: false");
        return client;
      },
      counted,
      baseline: objectCounts(sim, counted),
      async stop() {
        await client?.close();
        await sim.stop();
      },
    };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

function sshGuestLogin(): SshGuestLogin {
  return { keys: generateClientKeyPair(), user: userInfo().username, sshPort: GUEST_SSH_PORT };
}

/** Login options for a client of `sim`. */
export function credentials(sim: Simulator): { url: string; username: string; password: string } {
  return { url: sim.url, username: sim.username, password: sim.password };
}

/** The number of objects of each class in `classes`. */
export function objectCounts(sim: Simulator, classes: readonly string[]): Record<string, number> {
  return Object.fromEntries(classes.map((cls) => [cls, sim.objects(cls).length]));
}

/** "class name" of every object of `cls` that carries our owner marker or tag. */
export function ownedObjects(sim: Simulator, cls: string): string[] {
  return sim
    .objects(cls)
    .filter((o) => ownerMarkerKey in (o.record.other_config ?? {}) || (o.record.tags ?? []).includes(ownerTag))
    .map((o) => `${cls} ${o.record.name_label ?? o.ref}`);
}
