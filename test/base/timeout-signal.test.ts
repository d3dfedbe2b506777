import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { timeoutSignal } from "../../sdk/base/timeout-signal";

/** Node's `gc()`, made available at run time: the signal must fire although nothing else holds its timer's state. */
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Resolves with the signal's reason once it aborts, collecting garbage all the while. */
async function abortedWhileCollecting(signal: AbortSignal): Promise<unknown> {
  const collecting = setInterval(collectGarbage, 10);
  try {
    return await new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));
  } finally {
    clearInterval(collecting);
  }
}

describe("timeoutSignal", () => {
  it("aborts with a TimeoutError although garbage is collected meanwhile", async () => {
    expect(await abortedWhileCollecting(timeoutSignal(100))).toMatchObject({ name: "TimeoutError" });
  });

  it("combined with another signal, still aborts at the timeout (AbortSignal.any with AbortSignal.timeout may not)", async () => {
    const other = new AbortController();
    expect(await abortedWhileCollecting(timeoutSignal(100, other.signal))).toMatchObject({ name: "TimeoutError" });
    expect(other.signal.aborted).toBe(false);
  });

  it("aborts early with the other signal's reason", async () => {
    const other = new AbortController();
    const signal = timeoutSignal(60_000, other.signal);
    other.abort(new Error("stop"));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ message: "stop" });
  });
});
