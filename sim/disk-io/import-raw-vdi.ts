/**
 * xapi's `PUT /import_raw_vdi` HTTP handler (ocaml/xapi/import_raw_vdi.ml), for raw uploads:
 * - credentials: `session_id` (query or cookie) of a live session, else 401 (xapi's HTTP basic
 *   auth is not simulated); the request counts as activity of that session (xapi_http.ml
 *   with_context: consider_touching_session);
 * - target: `vdi` (a ref), or `sr` with a Content-Length (a new "Imported VDI" of that size);
 *   neither: 400 and the task fails with VDI_MISSING; an unknown ref: 400, HANDLE_INVALID;
 * - `format`: `raw` (default); vhd, tar and qcow2 are real formats this simulator does not parse
 *   (400, INTERNAL_ERROR); anything else: 404, INTERNAL_ERROR ["Unknown format x"];
 * - HTTP chunked transfer encoding: 404, INTERNAL_ERROR ["Cannot handle encoding: chunked"];
 * - otherwise 200 with a `task-id` header is sent before the body is read, and the outcome is
 *   the task's: `task_id` names a task the caller made (progress, then success with the VDI
 *   ref as result, or failure with error_info); without it, a task of the request's session (in
 *   its `tasks`, as xapi's exec_with_new_task ~session_id makes it) lives for the request only;
 * - more bytes than the VDI's virtual_size: the task fails with VDI_IO_ERROR.
 * Faults: rules for method `import_raw_vdi` apply (`fail` fails the task after the 200, `drop`
 * cuts the connection before answering and fails the task with VDI_IO_ERROR, as a closed upload
 * does, `stall` delays before answering, `corrupt` stores the body with its first 64 KiB zeroed:
 * a disk damaged without any error, as a guest then finds it).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimCore } from "../rpc/core";
import { xapiDate } from "../model/time";
import { faultError } from "../ops/faults";
import { sleep, untilAborted } from "../ops/sleep";
import { asXapiFailure, XapiFailure } from "../model/failure";
import { xmlValueText } from "../rpc/to-wire";
import { createVdi } from "../methods/disks";
import { sendHtmlError } from "../server/respond";
import { writeVdiContent } from "../model/vdi-content";
import { createTask, destroyTask } from "../rpc/tasks";
import { touchSession } from "../rpc/session-timeout";

/** The parts of the simulator core the upload handler uses. */
export type ImportCore = Pick<SimCore, "store" | "faults" | "username" | "password" | "stopSignal" | "refs" | "gc">;

/** The fault-rule method name of this handler. */
export const IMPORT_RAW_VDI_FAULT = "import_raw_vdi";

/** Formats xapi knows but this simulator stores no content for. */
const UNSUPPORTED_FORMATS = ["vhd", "tar", "qcow2"];

/** Whether a request is for this handler (`/import_raw_vdi`, with or without a trailing slash). */
export function isImportRawVdi(req: IncomingMessage): boolean {
  const path = (req.url ?? "/").split("?")[0];
  return req.method === "PUT" && (path === "/import_raw_vdi" || path === "/import_raw_vdi/");
}

/** Serves one `PUT /import_raw_vdi` request. */
export async function handleImportRawVdi(core: ImportCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? "/", "http://sim").searchParams;
  const cookies = parseCookies(req.headers.cookie);
  const session = query.get("session_id") ?? cookies.session_id;
  if (session === undefined || !core.store.has("session", session)) return sendHtmlError(res, 401, "Unauthorized");
  touchSession(core, session);
  const callerTask = query.get("task_id") ?? undefined;
  if (callerTask !== undefined && !core.store.has("task", callerTask)) {
    return sendHtmlError(res, 400, "Bad Request");
  }
  const task = callerTask ?? createTask(core, session, { name_label: "Importing raw VDI" });
  try {
    const refusal = checkRequest(core, query, req);
    if (refusal) {
      failTask(core, task, refusal.error);
      return sendHtmlError(res, refusal.status, refusal.title);
    }
    const transport = core.faults.take(IMPORT_RAW_VDI_FAULT, "transport");
    if (transport?.kind === "drop") {
      failTask(core, task, new XapiFailure("VDI_IO_ERROR", ["the upload connection closed early"]));
      return void req.socket.destroy();
    }
    if (transport?.kind === "stall") await (transport.ms === undefined ? untilAborted(core.stopSignal) : sleep(transport.ms, core.stopSignal));
    const vdi = query.get("vdi") ?? createImportedVdi(core, query.get("sr")!, Number(req.headers["content-length"]));
    res.writeHead(200, { "task-id": task, "content-type": "application/octet-stream", connection: "close" });
    try {
      const bytes = await receive(core, req, task, core.store.get("VDI", vdi).virtual_size);
      const fault = core.faults.take(IMPORT_RAW_VDI_FAULT, "execution");
      if (fault?.kind === "fail") throw faultError(fault);
      writeVdiContent(core.store, vdi, transport?.kind === "corrupt" ? damaged(bytes) : bytes);
      if (core.store.has("task", task)) core.store.update("task", task, { status: "success", progress: 1, finished: xapiDate(), result: xmlValueText(vdi) });
    } catch (error) {
      failTask(core, task, asXapiFailure(error));
    }
    res.end();
  } finally {
    if (callerTask === undefined && core.store.has("task", task)) destroyTask(core, task);
  }
}

/** The bytes with their first 64 KiB (boot sector, FATs and root directory of a small FAT image) zeroed. */
function damaged(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.fill(0, 0, Math.min(copy.length, 64 * 1024));
  return copy;
}

/** Why a request is refused before any byte is read, if it is. */
function checkRequest(core: ImportCore, query: URLSearchParams, req: IncomingMessage): { status: number; title: string; error: XapiFailure } | undefined {
  const format = query.get("format") ?? "raw";
  if (format !== "raw" && !UNSUPPORTED_FORMATS.includes(format)) return { status: 404, title: "Not Found", error: new XapiFailure("INTERNAL_ERROR", [`Unknown format ${format}`]) };
  if (req.headers["transfer-encoding"]) {
    return { status: 404, title: "Not Found", error: new XapiFailure("INTERNAL_ERROR", [`Cannot handle encoding: ${req.headers["transfer-encoding"]}`]) };
  }
  if (format !== "raw") return { status: 400, title: "Bad Request", error: new XapiFailure("INTERNAL_ERROR", [`the simulator imports raw only, not ${format}`]) };
  const vdi = query.get("vdi");
  const sr = query.get("sr");
  if (vdi !== null) return core.store.has("VDI", vdi) ? undefined : { status: 400, title: "Bad Request", error: new XapiFailure("HANDLE_INVALID", ["VDI", vdi]) };
  if (sr === null) return { status: 400, title: "Bad Request", error: new XapiFailure("VDI_MISSING", []) };
  if (!core.store.has("SR", sr)) return { status: 400, title: "Bad Request", error: new XapiFailure("HANDLE_INVALID", ["SR", sr]) };
  if (req.headers["content-length"] === undefined) return { status: 400, title: "Bad Request", error: new XapiFailure("INTERNAL_ERROR", ["Not enough info supplied to import"]) };
  return undefined;
}

function createImportedVdi(core: ImportCore, sr: string, size: number): string {
  return createVdi(core.store, {
    name_label: "Imported VDI",
    name_description: "",
    SR: sr,
    virtual_size: size,
    type: "user",
    sharable: false,
    read_only: false,
    other_config: {},
    xenstore_data: {},
    sm_config: {},
    tags: [],
  });
}

/** Reads the body, updating the task's progress; more than `limit` bytes is a VDI_IO_ERROR. */
function receive(core: ImportCore, req: IncomingMessage, task: string, limit: number): Promise<Buffer> {
  const expected = Number(req.headers["content-length"]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new XapiFailure("VDI_IO_ERROR", ["Device I/O errors"]));
        return;
      }
      chunks.push(chunk);
      if (expected > 0 && core.store.has("task", task)) core.store.update("task", task, { progress: Math.min(size / expected, 0.99) });
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("aborted", () => reject(new XapiFailure("VDI_IO_ERROR", ["the upload connection closed early"])));
  });
}

function failTask(core: ImportCore, task: string, error: XapiFailure): void {
  if (core.store.has("task", task)) core.store.update("task", task, { status: "failure", progress: 1, finished: xapiDate(), error_info: error.description() });
}

function parseCookies(header: string | undefined): Record<string, string> {
  return Object.fromEntries((header ?? "").split(";").map((part) => part.trim().split("=")).filter((pair) => pair.length === 2)) as Record<string, string>;
}
