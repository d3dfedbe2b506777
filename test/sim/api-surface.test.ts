/**
 * Walks the generated xapi API description (sim/api/xapi-api.json) and proves that, for every
 * class the simulator models, its method surface, its records' fields and its error codes agree
 * with it: nothing more lenient, nothing missing.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { API, listedMethodNames, parseType } from "../../sim/api/description";
import { buildMethodTable } from "../../sim/methods";
import { CLASSES } from "../../sim/schema";
import { numericFieldsOf } from "../../sdk/xapi/field-types";
import { jsonCall, ok, xapiOnlySim } from "./raw";

const SIM_DIR = join(__dirname, "../../sim");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Top-level elements of an array literal's text (commas inside brackets, braces, strings and templates do not split). */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote = "";
  let current = "";
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "`" || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === "," && depth === 0) {
      items.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) items.push(current);
  return items;
}

/**
 * Where xapi's own code raises an error with other parameters than the datamodel declares, the
 * simulator follows the code (xen-api ocaml/xapi/…, at the description's commit).
 */
const RAISED_AS_XAPI_DOES: Record<string, number[]> = {
  SESSION_AUTHENTICATION_FAILED: [2], // xapi_session.ml: [uname; msg]
  VM_IS_TEMPLATE: [1, 2], // xapi_vm.ml: [ref]; xapi_vm_lifecycle.ml: [ref; operation]
  VDI_MISSING: [0], // import_raw_vdi.ml: []
  TASK_CANCELLED: [0], // only when the simulator stops mid-call; tasks report [TASK_CANCELLED, task] (taskHelper.ml)
};

describe("the simulator against the generated xapi API description", () => {
  const running = xapiOnlySim();
  let sim: Simulator;
  let session: string;
  beforeAll(() => {
    sim = running.sim();
    session = running.session();
  });

  it("names its source: a xen-api commit and the licence", () => {
    expect(API.source.repository).toBe("https://github.com/xapi-project/xen-api");
    expect(API.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(API.source.licence).toMatch(/LGPL-2\.1/);
  });

  it("lists in system.listMethods exactly the sync messages of the modelled classes", async () => {
    const listed = (await ok(sim.url, "system.listMethods", [])) as string[];
    const expected = Object.entries(API.classes).flatMap(([cls, c]) => Object.keys(c.messages).map((m) => `${cls}.${m}`));
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(listedMethodNames().length).toBe(expected.length);
    for (const lenient of ["pool.get_by_name_label", "session.get_all_records", "Async.VM.set_VCPUs_max", "Async.event.from"]) expect(listed).not.toContain(lenient);
  });

  it("serves every message of the description (an arity probe reaches xapi's count check, not MESSAGE_METHOD_UNKNOWN)", async () => {
    const wrong: string[] = [];
    for (const [cls, c] of Object.entries(API.classes)) {
      for (const [name, msg] of Object.entries(c.messages)) {
        const required = msg.params.filter((p) => !("default" in p)).length;
        const hasDefaults = required < msg.params.length;
        if (hasDefaults && required === 0) continue; // only defaulted parameters: any count fits
        // Without defaults one too many is refused; with defaults (extra values are ignored) one too few.
        const count = hasDefaults ? required - 1 : required + 1;
        const params = [...(msg.session ? [session] : []), ...Array(count).fill("x")];
        const answer = await jsonCall(sim.url, `${cls}.${name}`, params);
        const expected = ["MESSAGE_PARAMETER_COUNT_MISMATCH", `${cls}.${name}`, String(required), String(count)];
        const got = answer.error ? [answer.error.message, ...answer.error.data] : ["success"];
        if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${cls}.${name}: ${JSON.stringify(got)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("answers removed messages MESSAGE_REMOVED and Async forms xapi lacks with its Fault", async () => {
    const vm = (await ok(sim.url, "VM.get_all", [session]))[0];
    for (const [method, params] of [
      ["VBD.get_metrics", ["OpaqueRef:NULL"]],
      ["VM.get_is_snapshot_from_vmpp", [vm]],
      ["host_metrics.get_memory_free", ["OpaqueRef:NULL"]],
    ] as const) {
      expect((await jsonCall(sim.url, method, [session, ...params])).error?.message, method).toBe("MESSAGE_REMOVED");
    }
    for (const [cls, c] of Object.entries(API.classes)) {
      for (const [name, msg] of Object.entries(c.messages)) {
        if (msg.async || msg.lifecycle === "removed" || !msg.session) continue;
        const params = [session, ...msg.params.map((p) => (p.type.endsWith(" ref") ? "OpaqueRef:NULL" : parseType(p.type).kind === "string" ? "" : p.default ?? null))];
        if (params.some((p) => p === null)) continue;
        const answer = await jsonCall(sim.url, `Async.${cls}.${name}`, params);
        expect(answer.error?.message, `Async.${cls}.${name}`).toBe("Fault");
      }
    }
    expect((await jsonCall(sim.url, "Async.pool.get_by_name_label", [session, "x"])).error).toMatchObject({ message: "MESSAGE_METHOD_UNKNOWN", data: ["pool.get_by_name_label"] });
  });

  it("implements each hand-written method with the description's parameter types", () => {
    const table = buildMethodTable();
    for (const def of table.values()) {
      if (def.name === "system.listMethods") continue;
      const [cls, name] = [def.name.slice(0, def.name.indexOf(".")), def.name.slice(def.name.indexOf(".") + 1)];
      const msg = API.classes[cls]?.messages[name];
      expect(msg, def.name).toBeDefined();
      expect(def.params.length, def.name).toBeLessThanOrEqual(msg!.params.length);
      def.params.forEach((p, i) => expect(p.type.kind, `${def.name} ${p.name}`).toBe(parseType(msg!.params[i].type).kind));
    }
  });

  it("gives every record exactly the fields of its class, removed ones included, internal ones never", async () => {
    for (const cls of CLASSES) {
      const expected = Object.keys(API.classes[cls.name].fields).sort();
      const records = cls.name === "session" ? [await ok(sim.url, "session.get_record", [session, session])] : Object.values(await ok(sim.url, `${cls.name}.get_all_records`, [session]));
      for (const record of records as Record<string, unknown>[]) expect(Object.keys(record).sort(), cls.name).toEqual(expected);
    }
    const [vif] = Object.values(await ok(sim.url, "VIF.get_all_records", [session])) as Record<string, unknown>[];
    if (vif) expect(vif).not.toHaveProperty("reserved_pci");
  });

  it("gives the client's numeric-field table every int and float field of the modelled classes", () => {
    for (const [cls, c] of Object.entries(API.classes)) {
      for (const [name, field] of Object.entries(c.fields)) {
        const kind = parseType(field.type).kind;
        if ((kind === "int" || kind === "float") && cls !== "event") expect(numericFieldsOf(cls)[name], `${cls}.${name}`).toBe(kind);
      }
    }
  });

  it("raises only error codes of the datamodel, each with its declared number of parameters", () => {
    const raised = sourceFiles(SIM_DIR).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/new XapiFailure\("([A-Z_a-z]+)"(?:, \[([^\]]*)\])?/g)].map((m) => ({ file, code: m[1], params: m[2] })),
    );
    expect(raised.length).toBeGreaterThan(20);
    const wrongCounts: string[] = [];
    for (const { file, code, params } of raised) {
      if (code === "Fault") continue; // xapi's fault for an Async call without async mode, not an error code
      const declared = API.errors[code];
      if (declared === undefined) {
        wrongCounts.push(`${code} in ${file}: not an xapi error code`);
        continue;
      }
      const expected = RAISED_AS_XAPI_DOES[code] ?? (declared ? [declared.length] : undefined);
      if (params !== undefined && !params.includes("...") && expected !== undefined && !expected.includes(topLevelItems(params).length)) {
        wrongCounts.push(`${code} [${params}] in ${file}: xapi has [${declared}]`);
      }
    }
    expect(wrongCounts).toEqual([]);
  });
});
