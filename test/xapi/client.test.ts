import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEMPLATES, type Simulator } from "../../sim";
import { XapiClient, XapiError, XapiTransportError, XapiWaitError } from "../../sdk/xapi";
import { MAX_CALL_RETRIES } from "../../sdk/xapi/retry";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";
import { heldBy, probeSeesAbortSignalAny } from "../support/signal-probe";

const transports = ["json-rpc", "xml-rpc"] as const;

/** Node's `gc()`, made available at run time (a deadline must survive garbage collection). */
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;
const schemes = ["http", "https"] as const;

describe.each(schemes)("XapiClient over %s", (scheme) => {
  let sim: Simulator;
  const clients: XapiClient[] = [];
  const connect = async (transport: (typeof transports)[number] | "auto") => {
    const tls = scheme === "https" ? { fingerprint256: sim.certificateFingerprint256! } : undefined;
    const client = await XapiClient.connect({ ...credentials(sim), transport, tls });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ https: scheme === "https" }, { pace: "paced", client: false }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it.each(transports)("logs in over %s, reads records with numbers, and logs out on close", async (transport) => {
    const client = await connect(transport);
    expect(client.transport).toBe(transport);
    expect(client.sessionRef).toMatch(/^OpaqueRef:/);
    expect(client.poolMasterUrl).toBe(sim.url);
    expect(sim.sessionCount()).toBe(1);
    const vms = (await client.call("VM.get_all_records")) as Record<string, Record<string, unknown>>;
    const template = Object.values(vms).find((vm) => vm.is_a_template === true)!;
    expect(typeof template.memory_static_max).toBe("number");
    expect(typeof template.VCPUs_max).toBe("number");
    await client.close();
    await client.close();
    expect(sim.sessionCount()).toBe(0);
    await expect(client.call("VM.get_all")).rejects.toThrow(/closed/);
  });

  it("gives the same values over both transports", async () => {
    const [json, xml] = await Promise.all([connect("json-rpc"), connect("xml-rpc")]);
    for (const cls of ["VM", "VM_metrics", "VM_guest_metrics", "VBD", "VDI", "VIF", "SR", "network", "PIF", "VLAN", "host", "host_metrics", "pool"]) {
      const [a, b] = await Promise.all([json.call(`${cls}.get_all_records`), xml.call(`${cls}.get_all_records`)]);
      expect(b, cls).toEqual(a);
    }
    const [vm] = (await json.call("VM.get_all")) as string[];
    expect(await xml.call("VM.get_memory_static_max", vm)).toBe(await json.call("VM.get_memory_static_max", vm));
  });

  it("chooses JSON-RPC in auto mode when /jsonrpc answers", async () => {
    expect((await connect("auto")).transport).toBe("json-rpc");
  });

  it.each(transports)("raises XapiError with code, params and method over %s", async (transport) => {
    const client = await connect(transport);
    const error = await client.call("VM.get_record", "OpaqueRef:NULL").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiError);
    expect(error).toMatchObject({ xapiCode: "HANDLE_INVALID", method: "VM.get_record" });
    expect((error as XapiError).message).toMatch(/^HANDLE_INVALID \[.*OpaqueRef:NULL\] from VM\.get_record$/);
  });
});

describe("XapiClient against an old host without /jsonrpc", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ jsonRpc: false, slaveHost: false }, { pace: "paced", client: false }));
  });

  it("falls back to XML-RPC in auto mode", async () => {
    const client = await XapiClient.connect({ ...credentials(sim) });
    try {
      expect(client.transport).toBe("xml-rpc");
      expect(await client.call("system.listMethods")).toContain("VM.get_record");
    } finally {
      await client.close();
    }
    expect(sim.sessionCount()).toBe(0);
  });

  it("reports a forced JSON-RPC transport that the host does not speak as a transport error", async () => {
    const error = await XapiClient.connect({ ...credentials(sim), transport: "json-rpc" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiTransportError);
    expect((error as XapiTransportError).url).toBe(`${sim.url}/jsonrpc`);
    expect((error as Error).message).toMatch(/HTTP \d{3} \(text\/(xml|html)\)/);
    expect(sim.sessionCount()).toBe(0);
  });
});

describe("XapiClient failures", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ slaveHost: false, password: "pa$$-Wörd-s3cret" }, { pace: "paced", client: false }));
  });

  it.each(transports)("reports a wrong password over %s without showing it", async (transport) => {
    const wrong = "not-the-Secret-42";
    const error = await XapiClient.connect({ ...credentials(sim), password: wrong, transport }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiError);
    expect(error).toMatchObject({ xapiCode: "SESSION_AUTHENTICATION_FAILED", method: "session.login_with_password" });
    const shown = `${String(error)} ${JSON.stringify(error)} ${JSON.stringify((error as XapiError).params)}`;
    expect(shown).not.toContain(wrong);
    expect(shown).not.toContain(sim.password);
  });

  it("keeps the password out of the client object", async () => {
    const client = await XapiClient.connect({ ...credentials(sim) });
    try {
      const { inspect } = await import("node:util");
      expect(inspect(client, { depth: 10 })).not.toContain(sim.password);
    } finally {
      await client.close();
    }
  });

  it("passes unknown error codes through", async () => {
    const client = await XapiClient.connect({ ...credentials(sim) });
    try {
      sim.faults.add({ kind: "fail", method: "VM.get_all", code: "SOMETHING_FROM_XAPI_99", params: ["a", "b"] });
      await expect(client.call("VM.get_all")).rejects.toMatchObject({ xapiCode: "SOMETHING_FROM_XAPI_99", params: ["a", "b"] });
    } finally {
      await client.close();
    }
  });

  it.each(transports)("turns a dropped connection over %s into XapiTransportError with the URL", async (transport) => {
    const client = await XapiClient.connect({ ...credentials(sim), transport });
    try {
      // A read-only call is sent again after a lost exchange (sdk/xapi/retry.ts): drop every send.
      sim.faults.add({ kind: "drop", method: "VM.get_all", times: MAX_CALL_RETRIES + 1 });
      const error = await client.call("VM.get_all").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiTransportError);
      expect((error as XapiTransportError).message).toContain(sim.url);
      expect(await client.call("VM.get_all")).toEqual(expect.any(Array));
    } finally {
      await client.close();
    }
  });

  it.each(transports)("keeps 50 calls in flight over %s without Node's listener-leak warning", async (transport) => {
    const client = await XapiClient.connect({ ...credentials(sim), transport });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => client.call("pool.get_all")));
      await new Promise((resolve) => setImmediate(resolve));
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await client.close();
    }
  });

  it("ends a call in flight when its caller aborts, and the client goes on", async () => {
    const client = await XapiClient.connect({ ...credentials(sim) });
    try {
      sim.faults.add({ kind: "stall", method: "VM.get_all" });
      const controller = new AbortController();
      const pending = client.callWith({ signal: controller.signal }, "VM.get_all").catch((e: unknown) => e);
      setTimeout(() => controller.abort(new Error("stopped by the caller")), 200);
      const error = await pending;
      expect(error).toBeInstanceOf(XapiWaitError);
      expect(error).toMatchObject({ reason: "aborted", cause: { message: "stopped by the caller" } });
      expect(await client.call("VM.get_all")).toEqual(expect.any(Array));
    } finally {
      await client.close();
    }
  });

  it("leaves nothing on a long-lived signal given to every call (no AbortSignal.any per call)", async () => {
    expect(probeSeesAbortSignalAny()).toBe(true);
    const client = await XapiClient.connect({ ...credentials(sim) });
    try {
      const appLifetime = new AbortController().signal;
      for (let i = 0; i < 300; i += 1) await client.callWith({ signal: appLifetime }, "VM.get_all");
      const [template] = (await client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
      const clone = String(await client.callAsyncWith({ signal: appLifetime }, "VM.clone", template!, "held-signal"));
      await client.callWith({ signal: appLifetime }, "VM.destroy", clone);
      expect(heldBy(appLifetime)).toEqual({ listeners: 0, dependants: 0 });
    } finally {
      await client.close();
    }
  });

  it("gives up on a stalled call at its deadline", async () => {
    const client = await XapiClient.connect({ ...credentials(sim) });
    try {
      sim.faults.add({ kind: "stall", method: "VM.get_all" });
      const error = await client.callWith({ deadline: 300 }, "VM.get_all").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiWaitError);
      expect(error).toMatchObject({ reason: "timeout" });
    } finally {
      await client.close();
    }
  });

  it("gives up on a stalled call at its deadline even when garbage collection runs meanwhile", async () => {
    const client = await XapiClient.connect({ ...credentials(sim) });
    const collecting = setInterval(collectGarbage, 10);
    try {
      sim.faults.add({ kind: "stall", method: "VM.get_all" });
      const error = await client.callWith({ deadline: 300 }, "VM.get_all").catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: "timeout" });
    } finally {
      clearInterval(collecting);
      await client.close();
    }
  });

  it("reports HTTP 500 from whatever answers (e.g. a broken proxy) with status and body", async () => {
    const proxy = createServer((_req, res) => res.writeHead(500, { "content-type": "text/html" }).end("<h1>Bad Gateway-ish</h1>"));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const error = await XapiClient.connect({ url, username: "root", password: "proxy-test-pw", transport: "xml-rpc" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(XapiTransportError);
      expect(error).toMatchObject({ url: `${url}/`, method: "session.login_with_password" });
      expect((error as Error).message).toMatch(/HTTP 500 \(text\/html\).*Bad Gateway-ish/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("reports connection refused with the URL", async () => {
    const stopped = stopAfterFile(await startTestSim({ slaveHost: false }, { pace: "paced", client: false }));
    await stopped.stop();
    const error = await XapiClient.connect({ ...credentials(stopped), timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiTransportError);
    expect((error as Error).message).toContain(stopped.url);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });
});
