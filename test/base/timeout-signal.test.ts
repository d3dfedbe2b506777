import { getEventListeners } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { linkedSignal, sharedAbortController, timeoutController, timeoutSignal } from "../../sdk/base/timeout-signal";

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

describe("timeoutController", () => {
  it("follows the other signal while it runs and stops listening to it once cleared", () => {
    const other = new AbortController();
    const waits = Array.from({ length: 5 }, () => timeoutController(60_000, other.signal));
    expect(getEventListeners(other.signal, "abort")).toHaveLength(5);
    for (const wait of waits.slice(1)) wait.clear();
    expect(getEventListeners(other.signal, "abort")).toHaveLength(1);
    other.abort(new Error("closed"));
    expect(waits[0].signal.reason).toMatchObject({ message: "closed" });
    expect(waits[1].signal.aborted, "a cleared wait no longer follows").toBe(false);
  });

  it("is aborted at once when the other signal already is", () => {
    const wait = timeoutController(60_000, AbortSignal.abort(new Error("gone")));
    expect(wait.signal.reason).toMatchObject({ message: "gone" });
    wait.clear();
  });

  it("aborts with a TimeoutError although garbage is collected meanwhile", async () => {
    const other = new AbortController();
    const wait = timeoutController(100, other.signal);
    expect(await abortedWhileCollecting(wait.signal)).toMatchObject({ name: "TimeoutError" });
    wait.clear();
  });
});

describe("sharedAbortController", () => {
  it("lets more than ten waits follow its signal without Node's leak warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const shared = sharedAbortController();
      const waits = Array.from({ length: 50 }, () => timeoutController(60_000, shared.signal));
      await new Promise((resolve) => setImmediate(resolve));
      waits.forEach((wait) => wait.clear());
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
      expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("linkedSignal", () => {
  it("follows several signals (the first to abort gives the reason) and lets go of all of them", () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const link = linkedSignal([a.signal, undefined, b.signal]);
    expect([getEventListeners(a.signal, "abort"), getEventListeners(b.signal, "abort")].map((l) => l.length)).toEqual([1, 1]);
    b.abort(new Error("b first"));
    expect(link.signal.reason).toMatchObject({ message: "b first" });
    expect(getEventListeners(a.signal, "abort"), "aborted: it no longer listens to the others").toHaveLength(0);
    a.abort(new Error("a later"));
    expect(link.signal.reason).toMatchObject({ message: "b first" });
  });

  it("clear() leaves the sources as they were; abort() ends the link with its own reason", () => {
    const source = new AbortController();
    const cleared = linkedSignal([source.signal]);
    cleared.clear();
    const aborted = linkedSignal([source.signal]);
    aborted.abort(new Error("own"));
    expect(getEventListeners(source.signal, "abort")).toHaveLength(0);
    expect(aborted.signal.reason).toMatchObject({ message: "own" });
    source.abort(new Error("later"));
    expect(cleared.signal.aborted).toBe(false);
  });

  it("is aborted at once by a source that already is, and then listens to none", () => {
    const live = new AbortController();
    const link = linkedSignal([live.signal, AbortSignal.abort(new Error("gone"))]);
    expect(link.signal.reason).toMatchObject({ message: "gone" });
    expect(getEventListeners(live.signal, "abort")).toHaveLength(0);
  });
});

describe("timeoutSignal and a long-lived other signal", () => {
  it("stops listening to the other signal once its timer fires", async () => {
    const other = new AbortController();
    const signal = timeoutSignal(50, other.signal);
    expect(getEventListeners(other.signal, "abort")).toHaveLength(1);
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    expect(signal.reason).toMatchObject({ name: "TimeoutError" });
    expect(getEventListeners(other.signal, "abort")).toHaveLength(0);
  });
});
