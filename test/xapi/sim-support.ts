/** Starting and stopping simulators for the XAPI client suites. */
import { afterAll } from "vitest";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../sim";

/**
 * Starts a simulator without guests (no sshd: these suites test XAPI only) and a short login
 * failure delay; it is stopped after the suite.
 */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ guests: false, loginFailureDelayMs: 50, latency: { scale: 0.2 }, ...options });
  started.push(sim);
  return sim;
}

// Registered at import time, i.e. at the test file's top level: an afterAll registered inside a
// beforeAll (where suites call startTestSimulator) would be silently ignored by vitest.
const started: Simulator[] = [];
afterAll(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

/** Login options for a client of `sim`. */
export function credentials(sim: Simulator): { url: string; username: string; password: string } {
  return { url: sim.url, username: sim.username, password: sim.password };
}
