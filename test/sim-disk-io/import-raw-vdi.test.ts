/**
 * `PUT /import_raw_vdi` as xapi serves it, over real HTTP: the handler is mounted on a loopback
 * server of its own over a seeded simulator store (the simulator routes it too: test/sim-disk-io/cloud-init-guest.test.ts).
 */
import { createServer, request, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../sim/model/store";
import { Faults } from "../../sim/ops/faults";
import { seedPool, SEEDED } from "../../sim/seed";
import { createVdi } from "../../sim/methods/disks";
import { handleImportRawVdi, isImportRawVdi, type ImportCore } from "../../sim/disk-io/import-raw-vdi";
import { readVdiContent } from "../../sim/model/vdi-content";
import { databaseGcSettings } from "../../sim/rpc/database-gc";

const stopper = new AbortController();
const store = new Store();
const refs = seedPool(store, { master: "127.0.0.1", member: "127.0.0.1" });
const core: ImportCore = { store, faults: new Faults(), username: "root", password: "secret", stopSignal: stopper.signal, refs, gc: databaseGcSettings() };
const sr = store.all("SR").find((s) => s.record.name_label === SEEDED.localSr)!.ref;
const session = store.create("session", { auth_user_name: "root", originator: "test" });
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (isImportRawVdi(req)) void handleImportRawVdi(core, req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  stopper.abort();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => core.faults.clear());

function newVdi(size = 1024 * 1024): string {
  return createVdi(store, { name_label: "cidata", SR: sr, virtual_size: size, type: "user", sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [] });
}

function newTask(): string {
  return store.create("task", { name_label: "upload", status: "pending", other_config: {} });
}

/** Polls the store (the handler runs in this process) until `find` returns something; fails after 10 s. */
async function until<T>(find: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (let found = find(); ; found = find()) {
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("not found within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function put(query: Record<string, string>, body: Buffer, path = "/import_raw_vdi"): Promise<Response> {
  return fetch(`${base}${path}?${new URLSearchParams(query)}`, { method: "PUT", body });
}

const payload = randomBytes(300_000);

describe("PUT /import_raw_vdi", () => {
  it("stores the body as the VDI's content and completes the caller's task with the VDI ref", async () => {
    const vdi = newVdi();
    const task = newTask();
    const response = await put({ session_id: session, vdi, format: "raw", task_id: task }, payload, "/import_raw_vdi/");
    expect(response.status).toBe(200);
    expect(response.headers.get("task-id")).toBe(task);
    await response.arrayBuffer();
    expect(readVdiContent(store, vdi).equals(payload)).toBe(true);
    expect(store.get("task", task)).toMatchObject({ status: "success", progress: 1, result: `<value>${vdi}</value>` });
  });

  it("makes an \"Imported VDI\" of the body's size when given an SR, and keeps no task of its own", async () => {
    const tasks = store.all("task").length;
    const response = await put({ session_id: session, sr }, payload);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const imported = store.all("VDI").find((v) => v.record.name_label === "Imported VDI")!;
    expect(imported.record.virtual_size).toBe(payload.length);
    expect(readVdiContent(store, imported.ref).equals(payload)).toBe(true);
    expect(store.all("task").length).toBe(tasks);
  });

  it("without task_id, runs the upload under a task of the request's session (session.tasks lists it) and destroys it at the end", async () => {
    const vdi = newVdi();
    const url = new URL(`${base}/import_raw_vdi?${new URLSearchParams({ session_id: session, vdi })}`);
    const upload = request(url, { method: "PUT", headers: { "content-length": String(payload.length) } });
    const answered = new Promise<number>((resolve, reject) => {
      upload.on("response", (res) => res.resume().on("end", () => resolve(res.statusCode ?? 0)));
      upload.on("error", reject);
    });
    upload.write(payload.subarray(0, 1000));
    const task = await until(() => store.all("task").find((t) => t.record.name_label === "Importing raw VDI")?.ref);
    expect(store.get("session", session).tasks).toContain(task);
    expect(store.get("task", task)).toMatchObject({ status: "pending", resident_on: refs.master });
    upload.end(payload.subarray(1000));
    expect(await answered).toBe(200);
    expect(store.has("task", task)).toBe(false);
    expect(store.get("session", session).tasks).not.toContain(task);
    expect(readVdiContent(store, vdi).equals(payload)).toBe(true);
  });

  it.each([
    ["no session", {}, 401],
    ["a dead session", { session_id: "OpaqueRef:gone" }, 401],
  ])("answers %s with 401 and stores nothing", async (_label, auth, status) => {
    const vdi = newVdi();
    const response = await put({ ...auth, vdi }, payload);
    expect(response.status).toBe(status);
    expect(readVdiContent(store, vdi).length).toBe(0);
  });

  it.each<[string, (vdi: string) => Record<string, string>, number, string[]]>([
    ["an unknown format", (vdi) => ({ vdi, format: "iso" }), 404, ["INTERNAL_ERROR", "Unknown format iso"]],
    ["neither vdi nor sr", () => ({}), 400, ["VDI_MISSING"]],
    ["an unknown VDI", () => ({ vdi: "OpaqueRef:nope" }), 400, ["HANDLE_INVALID", "VDI", "OpaqueRef:nope"]],
  ])("refuses %s before reading, failing the caller's task", async (_label, query, status, errorInfo) => {
    const vdi = newVdi();
    const task = newTask();
    const response = await put({ session_id: session, task_id: task, ...query(vdi) }, payload);
    expect(response.status).toBe(status);
    expect(store.get("task", task)).toMatchObject({ status: "failure", error_info: errorInfo });
    expect(readVdiContent(store, vdi).length).toBe(0);
  });

  it("fails the task with VDI_IO_ERROR when the body is larger than the VDI", async () => {
    const vdi = newVdi(1000);
    const task = newTask();
    const response = await put({ session_id: session, vdi, task_id: task }, payload);
    expect(response.status).toBe(200); // as xapi: the 200 goes out before the body is read
    await response.arrayBuffer().catch(() => undefined);
    expect(store.get("task", task)).toMatchObject({ status: "failure", error_info: ["VDI_IO_ERROR", "Device I/O errors"] });
    expect(readVdiContent(store, vdi).length).toBe(0);
  });

  it("an injected VDI_IO_ERROR fails the task and stores nothing", async () => {
    core.faults.add({ method: "import_raw_vdi", code: "VDI_IO_ERROR", params: ["Device I/O errors"] });
    const vdi = newVdi();
    const task = newTask();
    const response = await put({ session_id: session, vdi, task_id: task }, payload);
    await response.arrayBuffer();
    expect(store.get("task", task)).toMatchObject({ status: "failure", error_info: ["VDI_IO_ERROR", "Device I/O errors"] });
    expect(readVdiContent(store, vdi).length).toBe(0);
  });

  it("an injected drop cuts the connection without storing anything and fails the caller's task", async () => {
    core.faults.dropConnection("import_raw_vdi");
    const vdi = newVdi();
    const task = newTask();
    await expect(put({ session_id: session, vdi, task_id: task }, payload)).rejects.toThrow();
    expect(readVdiContent(store, vdi).length).toBe(0);
    expect(store.get("task", task)).toMatchObject({ status: "failure", error_info: ["VDI_IO_ERROR", "the upload connection closed early"] });
  });
});
