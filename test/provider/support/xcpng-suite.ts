/**
 * The one set-up of an XcpngLuaVM suite file: a simulator with sshd guests started before the
 * suite, checked for leftovers and stopped after it; optionally the provider's XAPI/SSH settings
 * point at it.
 */
import { afterAll, beforeAll } from "vitest";
import type { SimulatorOptions } from "../../../sim";
import { startTestSim } from "../../support/sim";
import { XCPNG_COUNTED, finishXcpngSim, type XcpngSim } from "./xcpng-sim";
import { configureProviderFor } from "../../support/xcpng-inputs";

/** Options of {@link useXcpngSim}. */
export interface XcpngSuiteOptions {
  /** the guests' address prefix, unique per suite file (e.g. "127.90") */
  addressBase: string;
  simulator?: SimulatorOptions;
  /** classes counted for the leftover check beyond XCPNG_COUNTED (e.g. "task") */
  alsoCounted?: readonly string[];
  /** set the provider's configuration (bioxen:xapi*, sshUser) to this simulator */
  provider?: boolean;
}

/** Registers the suite's simulator; the returned function gives it once the suite has started. */
export function useXcpngSim(options: XcpngSuiteOptions): () => XcpngSim {
  let env: XcpngSim | undefined;
  beforeAll(async () => {
    env = await startTestSim(options.simulator ?? {}, { sshGuests: { addressBase: options.addressBase }, counted: [...XCPNG_COUNTED, ...(options.alsoCounted ?? [])] });
    if (options.provider) configureProviderFor(env);
  });
  afterAll(() => finishXcpngSim(env, options.provider ?? false));
  return () => {
    if (!env) throw new Error("the XcpngLuaVM suite simulator is not started yet");
    return env;
  };
}

/** The check failures of raw inputs as "property: reason" lines. */
export async function checkFailures(check: (olds: Record<string, unknown>, news: Record<string, unknown>) => Promise<{ failures: Array<{ property: string; reason: string }> }>, news: Record<string, unknown>): Promise<string[]> {
  return (await check({}, news)).failures.map((f) => `${f.property}: ${f.reason}`);
}
