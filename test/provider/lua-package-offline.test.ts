/**
 * LuaPackage when its target cannot answer: a package on an XcpngLuaVM that was halted or
 * destroyed outside Pulumi (XAPI is asked before any SSH dial), a VM of another pool than the
 * stack-level XAPI connection (never taken for gone: read over SSH), and a plain SSH host that is
 * down (refresh fails at `timeouts.read`, naming the host).
 */
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as impl from "../../provider/impl/lua-package";
import * as vmImpl from "../../provider/impl/xcpng-lua-vm";
import { setConfiguredValues } from "../../provider/runtime/config";
import { closeAllXapiClients } from "../../provider/runtime/connections";
import { closeAllSshConnections } from "../../sdk/ssh";
import { SEEDED, TEMPLATES } from "../../sim";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim } from "./support/xcpng-sim";
import { poolUuidOf, testOwner } from "../support/xcpng-inputs";

let env: XcpngSim;
/** A second pool, reached only through an XcpngLuaVM `connection` input (never the stack config). */
let other: XcpngSim;
let server: RocksServer;

function configureXapi(withXapi: boolean): void {
  const xapi = withXapi ? { xapiUrl: env.sim.url, xapiUsername: env.sim.username, xapiPassword: env.sim.password } : {};
  setConfiguredValues({ ...xapi, sshUser: env.user });
}

beforeAll(async () => {
  [env, other, server] = await Promise.all([startTestSim({}, { sshGuests: { addressBase: "127.86" }, counted: XCPNG_COUNTED }), startTestSim({}, { sshGuests: { addressBase: "127.87" }, counted: XCPNG_COUNTED }), startRocksServer({ rocks: ["alpha"] })]);
  configureXapi(true);
});
afterEach(() => {
  vi.restoreAllMocks();
  configureXapi(true);
});
afterAll(async () => {
  setConfiguredValues({});
  await closeAllSshConnections();
  await closeAllXapiClients();
  await server?.stop();
  try {
    for (const sim of [env, other]) if (sim) expectNoLeftovers(sim);
  } finally {
    await Promise.all([env?.stop(), other?.stop()]);
  }
});

/**
 * Creates an XcpngLuaVM through its provider and returns its id and outputs; in `pool` when
 * given (through the `connection` input), else in the stack-level pool.
 */
async function createVm(pool?: XcpngSim): Promise<{ id: string; outs: Record<string, unknown> }> {
  const connection = pool ? { connection: { url: pool.sim.url, username: pool.sim.username, password: pool.sim.password } } : {};
  const { inputs, failures } = await vmImpl.check({}, {
    __owner: testOwner("pkg-vm"),
    name: "pkg-vm",
    template: TEMPLATES.cloneReady,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { port: (pool ?? env).sshPort, privateKey: (pool ?? env).keys.private },
    ...connection,
    luaInterpreter: "lua5.4",
    memoryMiB: 512,
    timeouts: { create: 30, ready: 30, delete: 20 },
  });
  expect(failures).toEqual([]);
  const created = await vmImpl.create(inputs);
  return { id: created.id, outs: created.outs as Record<string, unknown> };
}

async function checkedPackage(target: unknown, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await impl.check({}, { target, name: "alpha", version: "1.0", servers: [server.url], luaVersion: "5.4", ...extra });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as Record<string, unknown>;
}

/** The `info: …` lines @pulumi/pulumi's log writes while no engine is attached (as in these tests). */
function captureInfoLog(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  return lines;
}

describe("LuaPackage on an XcpngLuaVM stopped or destroyed outside Pulumi", () => {
  it("keeps the last state of a halted VM without dialling, refuses update and delete, and drops the package with the VM", async () => {
    const vm = await createVm();
    let vmDeleted = false;
    try {
      const created = await impl.create(await checkedPackage(vm.outs.sshTarget));
      expect(created.outs).toMatchObject({ installedVersion: "1.0-1", target: { machineId: `xcpng:${await poolUuidOf(env)}:${vm.id}` } });
      // The same VM under the machineId written before the pool was recorded.
      const oldForm = { ...created.outs, target: { ...(created.outs!.target as object), machineId: `xcpng:${vm.id}` } };
      expect((await impl.read(created.id, created.outs!)).props).toMatchObject({ installedVersion: "1.0-1" });

      await env.client.callAsync("VM.hard_shutdown", env.sim.refOf(vm.id)!);
      const log = captureInfoLog();
      const read = await impl.read(created.id, created.outs!);
      expect(read).toEqual({ id: created.id, props: created.outs, inputs: await checkedPackage(vm.outs.sshTarget) });
      expect(log.join("\n")).toMatch(new RegExp(`VM ${vm.id} is halted; .*keeps the last known state \\(1\\.0-1 in `));
      expect(log.join("\n")).not.toContain(env.keys.private.split("\n")[1]);
      // A VM XAPI finds is reported whatever form its machineId has (VM uuids are unique).
      expect((await impl.read(created.id, oldForm)).props).toEqual(oldForm);

      const newer = await checkedPackage(vm.outs.sshTarget, { version: "2.0" });
      await expect(impl.update(created.id, created.outs!, newer)).rejects.toThrow(new RegExp(`cannot update while VM ${vm.id} is halted.*Start the VM`));
      await expect(impl.delete(created.id, created.outs!)).rejects.toThrow(/cannot delete while VM .* is halted.*Start the VM.*pulumi state delete/);

      // Without an XAPI connection there is no one to ask: refresh dials, and fails at timeouts.read with a hint.
      configureXapi(false);
      const short = { ...created.outs, timeouts: { read: 2 } };
      await expect(impl.read(created.id, short)).rejects.toThrow(/refresh could not reach ssh:\/\/.*within 2 s \(timeouts\.read\).*set bioxen:xapiUrl/);
      configureXapi(true);

      await vmImpl.delete(vm.id, vm.outs);
      vmDeleted = true;
      expect(await impl.read(created.id, created.outs!)).toEqual({});
      // An old-form machineId names no pool: not found is never "gone"; refresh dials (and fails here).
      await expect(impl.read(created.id, { ...oldForm, timeouts: { read: 2 } })).rejects.toThrow(/refresh could not reach ssh:\/\/.*within 2 s/);
      await impl.delete(created.id, created.outs!); // the rock went with the VM: nothing to do
      await expect(impl.update(created.id, created.outs!, newer)).rejects.toThrow(/cannot update: VM .* no longer exists; run `pulumi refresh`/);
    } finally {
      if (!vmDeleted) await vmImpl.delete(vm.id, vm.outs);
    }
  });
});

describe("LuaPackage on an XcpngLuaVM of another pool than the stack-level XAPI connection", () => {
  it("never takes the VM for gone because the configured pool does not know it: reads and removes the rock over SSH", async () => {
    const vm = await createVm(other);
    let vmDeleted = false;
    try {
      const machineId = `xcpng:${await poolUuidOf(other)}:${vm.id}`;
      expect(vm.outs.sshTarget).toMatchObject({ machineId });
      const created = await impl.create(await checkedPackage(vm.outs.sshTarget));
      const log = captureInfoLog();
      expect(await impl.read(created.id, created.outs!)).toEqual({ id: created.id, props: created.outs, inputs: await checkedPackage(vm.outs.sshTarget) });
      const oldForm = { ...created.outs, target: { ...(created.outs!.target as object), machineId: `xcpng:${vm.id}` } };
      expect((await impl.read(created.id, oldForm)).props).toEqual(oldForm);
      expect(log.join("\n")).not.toContain("no longer exists");

      // delete is not skipped: the rock is removed over SSH, which a read then confirms.
      await impl.delete(created.id, created.outs!);
      expect(await impl.read(created.id, created.outs!)).toEqual({});

      // Destroyed in its own pool: the configured pool cannot tell, so refresh dials and fails at timeouts.read.
      await vmImpl.delete(vm.id, vm.outs);
      vmDeleted = true;
      await expect(impl.read(created.id, { ...created.outs, timeouts: { read: 2 } })).rejects.toThrow(/refresh could not reach ssh:\/\/.*within 2 s/);
    } finally {
      if (!vmDeleted) await vmImpl.delete(vm.id, vm.outs);
    }
  });
});

describe("LuaPackage on a plain SSH host that is down", () => {
  it("fails refresh at timeouts.read with a message naming the host", async () => {
    const port = await freePort();
    const target = { kind: "ssh", host: "127.0.0.1", port, username: env.user, hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", privateKey: env.keys.private };
    const props = { ...(await checkedPackage(target, { timeouts: { read: 2 } })), installedVersion: "1.0-1", treePath: "/nowhere" };
    const error = (await impl.read("id", props).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(new RegExp(`^LuaPackage alpha: refresh could not reach ssh://${env.user}@127\\.0\\.0\\.1:${port} within 2 s \\(timeouts\\.read\\): is the host up\\?`));
    expect(error.message).toContain("could not connect within 2000 ms");
    expect(error.message).not.toContain("bioxen:xapiUrl");
    expect(`${error.message}\n${error.stack}`).not.toContain(env.keys.private.split("\n")[1]);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
