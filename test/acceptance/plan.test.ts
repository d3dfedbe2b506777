/**
 * `--plan` calls nothing but read-only XAPI methods (counted by the recording proxy the suite
 * uses), resolves the target's template and network, and names what each scenario would create.
 * Also: a partial BIOXEN_ACCEPTANCE_* environment is refused before anything is called.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, TEMPLATES } from "../../sim";
import { startTestSim, type TestSim } from "../support/sim";
import { planLines } from "./plan";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";
import { namePrefix, newRunId } from "./run-identity";
import { connectTo } from "./sweep";
import { poolFromEnv, type AcceptanceTarget } from "./target";

const READ_ONLY = /^(session\.(login_with_password|logout)|system\.\w+|[A-Za-z_]+\.get_\w+)$/;
let env: TestSim;
let proxy: RecordingProxy;
let target: AcceptanceTarget;

beforeAll(async () => {
  env = await startTestSim({ guests: false });
  const base = { kind: "pool" as const, template: TEMPLATES.cloneReady, network: SEEDED.managementNetwork, ssh: { user: "u", privateKey: "" }, rocksServer: "http://127.0.0.1:9/rocks", stop: async () => undefined };
  proxy = await startRecordingProxy({ ...base, xapi: { url: env.sim.url, username: env.sim.username, password: env.sim.password } });
  target = { ...base, xapi: { url: proxy.url, username: env.sim.username, password: env.sim.password } };
});
afterAll(async () => {
  await proxy?.stop();
  await env?.stop();
});

describe("acceptance --plan", () => {
  it("uses read-only calls only and lists what a run would create", async () => {
    const runId = newRunId();
    const vmsBefore = env.sim.objects("VM").length;
    proxy.take();
    const client = await connectTo(target);
    const lines = await planLines(client, target, runId).finally(() => client.close());
    const calls = Object.keys(proxy.take());
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.filter((m) => !READ_ONLY.test(m))).toEqual([]);
    expect(env.sim.objects("VM").length).toBe(vmsBefore);
    const text = lines.join("\n");
    expect(text).toContain(`VM "${TEMPLATES.cloneReady}" found`);
    expect(text).toContain(`network "${SEEDED.managementNetwork}" found`);
    expect(text).toContain(`${namePrefix(runId)}swap`);
    expect(text).not.toContain("PROBLEM");
  });

  it("names a template that does not resolve as a problem", async () => {
    const client = await connectTo(target);
    const lines = await planLines(client, { ...target, template: "no such template" }, newRunId()).finally(() => client.close());
    expect(lines.join("\n")).toContain('PROBLEM: no VM named or with uuid "no such template"');
  });

  it("refuses a partial environment, naming what is missing, and an https pool without TLS trust", () => {
    expect(() => poolFromEnv({ BIOXEN_ACCEPTANCE_XAPI_URL: "https://pool.example" })).toThrow(/BIOXEN_ACCEPTANCE_XAPI_USERNAME.*BIOXEN_ACCEPTANCE_ROCKS_SERVER/);
    const full = { XAPI_URL: "https://pool.example", XAPI_USERNAME: "root", XAPI_PASSWORD: "pw", TEMPLATE: "t", NETWORK: "n", SSH_USER: "u", SSH_PRIVATE_KEY_FILE: __filename, ROCKS_SERVER: "http://r" };
    const env = Object.fromEntries(Object.entries(full).map(([k, v]) => [`BIOXEN_ACCEPTANCE_${k}`, v]));
    expect(() => poolFromEnv(env)).toThrow(/TLS_FINGERPRINT .* or BIOXEN_ACCEPTANCE_CA_FILE; TLS is never switched off/);
    expect(poolFromEnv({ ...env, BIOXEN_ACCEPTANCE_TLS_FINGERPRINT: "AB:CD" })).toMatchObject({ kind: "pool", template: "t" });
    expect(poolFromEnv({})).toBeUndefined();
  });
});
