/** A client per test against a shared simulator: faults cleared and the client closed afterwards. */
import type { Simulator } from "../../sim";
import { TEMPLATES } from "../../sim";
import { XapiClient, type XapiConnectOptions } from "../../sdk/xapi";
import { credentials } from "./sim";

/** Runs `body` with a fresh client of `sim`; then clears the simulator's faults and closes the client. */
export async function withSimClient<T>(sim: Simulator, body: (client: XapiClient) => Promise<T>, options: Partial<XapiConnectOptions> = {}): Promise<T> {
  const client = await XapiClient.connect({ ...credentials(sim), ...options });
  try {
    return await body(client);
  } finally {
    sim.faults.clear();
    await client.close();
  }
}

/** The ref of the seeded clone-ready template. */
export async function cloneReadyTemplate(client: XapiClient): Promise<string> {
  const [ref] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
  return ref!;
}
