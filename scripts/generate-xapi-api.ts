/**
 * Generates sim/api/xapi-api.json, the simulator's description of the xapi API, from a snapshot
 * of xapi-project/xen-api (a bare git directory). Data only: classes, fields, messages, enums,
 * error codes with their parameter names.
 *
 *   npx tsx scripts/generate-xapi-api.ts <xen-api git dir> [commit = HEAD]
 *
 * Sources inside xen-api:
 * - doc/data/xenapi.json: classes, fields (type, qualifier, default, lifecycle), messages
 *   (params, result, errors, lifecycle, implicit), enums.
 * - ocaml/idl/datamodel*.ml: what xenapi.json leaves out, per explicit message: whether it has an
 *   `Async.` form (`~flags`, default [`Session; `Async]) and which parameters have defaults
 *   (`~versioned_params … param_default`). Implicit messages: only create/destroy are async
 *   (ocaml/idl/ocaml_backend/gen_client.ml `has_async`) and none has defaults.
 * - ocaml/idl/datamodel_errors.ml + ocaml/xapi-consts/api_errors.ml: error codes and parameters.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** The classes the simulator models (event has no records; it is listed for its messages). */
const MODELLED = [
  "session", "pool", "host", "host_metrics", "SR", "VDI", "VBD", "VM", "VM_metrics", "VM_guest_metrics",
  "console", "network", "PIF", "VLAN", "VIF", "task", "event",
];

const LIFECYCLE: Record<string, string> = { Published_s: "published", Prototyped_s: "prototyped", Deprecated_s: "deprecated", Removed_s: "removed" };

/**
 * Messages whose lifecycle in doc/data/xenapi.json (regenerated less often than the datamodel) is
 * behind ocaml/idl/datamodel.ml of the same commit: VDI.resize_online, Removed in inverness, is
 * Published again ("26.16.1-next", CP-314075: online resize where the SR's driver has VDI_RESIZE_ONLINE).
 */
const LIFECYCLE_OVERRIDES: Record<string, string> = { "VDI.resize_online": "published" };

interface JsonLifecycle { state: string }
interface JsonField { name: string; type: string; qualifier: string; default?: string; lifecycle: JsonLifecycle }
interface JsonParam { name: string; type: string }
interface JsonMessage { name: string; params: JsonParam[]; result: string[]; errors: { name: string }[]; lifecycle: JsonLifecycle; implicit: boolean }
interface JsonClass { name: string; fields: JsonField[]; messages: JsonMessage[]; enums: { name: string; values: { name: string }[] }[]; lifecycle: JsonLifecycle }

/** What the OCaml source says about one explicit message. */
interface CallInfo { file: string; async: boolean; selfClass?: string; refs: string[]; defaults: Record<string, unknown> }

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", dir, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

function show(dir: string, commit: string, path: string): string {
  return git(dir, "show", `${commit}:${path}`);
}

/** `let _vm = "VM"` … : the class-name constants the datamodel refers to. */
function classConstants(common: string): Map<string, string> {
  return new Map([...common.matchAll(/^let (_\w+) = "(\w+)"/gm)].map((m) => [m[1], m[2]]));
}

/** An OCaml default (`VString "1.1"`, `VBool false`, `VSet []` …) as a JSON value. */
function defaultValue(text: string): unknown {
  const t = text.trim();
  const m = /^V(\w+)\s*(.*)$/s.exec(t);
  if (!m) return t;
  const [, kind, arg] = m;
  const a = arg.trim();
  switch (kind) {
    case "String": return a === "null_ref" ? "OpaqueRef:NULL" : JSON.parse(a);
    case "Bool": return a === "true";
    case "Int": return Number(a.replace(/L$/, ""));
    case "Float": return /^[\d.]+$/.test(a) ? Number(a) : { ocaml: a };
    case "Set": return [];
    case "Map": return {};
    case "Ref": return "OpaqueRef:NULL";
    case "Enum": return JSON.parse(a);
    case "DateTime": return "19700101T00:00:00Z";
    default: throw new Error(`unknown default ${t}`);
  }
}

/** Parameters with defaults in a call's `~versioned_params`, by name. */
function paramDefaults(chunk: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of chunk.matchAll(/param_name\s*=\s*"(\w+)"[^}]*?param_default\s*=\s*(None|Some\s*\(([^}]*)\))\s*;?\s*}/g)) {
    if (m[2] !== "None") out[m[1]] = defaultValue(m[3]);
  }
  return out;
}

/** Every `call ~…` in the datamodel sources, by message name. */
function explicitCalls(dir: string, commit: string, consts: Map<string, string>): Map<string, CallInfo[]> {
  const files = git(dir, "ls-tree", "--name-only", commit, "ocaml/idl/").split("\n").filter((f) => /\/datamodel[\w]*\.ml$/.test(f));
  const calls = new Map<string, CallInfo[]>();
  for (const file of files) {
    const chunks = show(dir, commit, file).split(/\bcall(?=\s+~)/).slice(1);
    for (const chunk of chunks) {
      const name = /~name:\s*"(\w+)"/.exec(chunk)?.[1];
      if (!name) continue;
      const flags = /~flags:\s*\[([^\]]*)\]/.exec(chunk);
      const selfRef = /Ref\s+(_\w+)/.exec(chunk)?.[1];
      const info: CallInfo = {
        file,
        async: flags ? flags[1].includes("`Async") : true,
        selfClass: selfRef ? consts.get(selfRef) : undefined,
        refs: [...chunk.matchAll(/Ref\s+(_\w+)/g)].map((r) => consts.get(r[1]) ?? ""),
        defaults: chunk.includes("~versioned_params") ? paramDefaults(chunk) : {},
      };
      calls.set(name, [...(calls.get(name) ?? []), info]);
    }
  }
  return calls;
}

/** Picks the OCaml call that defines `cls.msg` (same name; then same first ref class; then same file). */
function callFor(calls: Map<string, CallInfo[]>, cls: string, msg: JsonMessage): CallInfo {
  const found = calls.get(msg.name) ?? [];
  const refClass = msg.params.find((p) => p.name !== "session_id" && p.type.endsWith(" ref"))?.type.replace(/ ref$/, "");
  const agree = (list: CallInfo[]) => list.length > 0 && list.every((c) => c.async === list[0].async && JSON.stringify(c.defaults) === JSON.stringify(list[0].defaults));
  if (agree(found)) return found[0];
  const candidates = [
    found.filter((c) => c.selfClass === (refClass ?? cls)),
    found.filter((c) => c.refs.includes(cls)),
    found.filter((c) => c.file.endsWith(`datamodel_${cls.toLowerCase()}.ml`)),
    found.filter((c) => c.selfClass === undefined),
  ];
  const picked = candidates.find(agree);
  if (picked) return picked[0];
  throw new Error(`cannot tell which OCaml call defines ${cls}.${msg.name}: ${JSON.stringify(calls.get(msg.name))}`);
}

/** `let x = add_error "CODE"`, also `add_error $ prefix ^ "_SUFFIX"`: constant name → string. */
function errorConstants(source: string): Map<string, string> {
  const consts = new Map<string, string>();
  for (const m of source.matchAll(/^let (\w+) =\s*((?:add_error\s*\$?)?[^\n]*(?:\n {2,}[^\n]*)*)/gm)) {
    const parts = m[2].replace(/^add_error\s*\$?/, "").split("^").map((t) => t.trim().replace(/^\(|\)$/g, "").trim());
    const values = parts.map((t) => (/^"[^"]*"$/.test(t) ? JSON.parse(t) : consts.get(t)));
    if (values.every((v) => typeof v === "string")) consts.set(m[1], values.join(""));
  }
  return consts;
}

/** `{CODE: [param names]}` for every error of the datamodel; `null` for codes api_errors.ml has but the datamodel does not declare. */
function errorCodes(dir: string, commit: string): Record<string, string[] | null> {
  const consts = errorConstants(show(dir, commit, "ocaml/xapi-consts/api_errors.ml"));
  const out: Record<string, string[] | null> = Object.fromEntries([...consts.values()].map((code) => [code, null]));
  for (const m of show(dir, commit, "ocaml/idl/datamodel_errors.ml").matchAll(/error\s+Api_errors\.(\w+)\s*\[([^\]]*)\]/g)) {
    const code = consts.get(m[1]);
    if (!code) throw new Error(`unknown error constant ${m[1]}`);
    out[code] = [...m[2].matchAll(/"([^"]*)"/g)].map((p) => p[1]);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function describeClass(cls: JsonClass, calls: Map<string, CallInfo[]>) {
  const fields = Object.fromEntries(
    cls.fields.map((f) => [
      f.name,
      { type: f.type, qualifier: f.qualifier, lifecycle: LIFECYCLE[f.lifecycle.state], ...(f.default !== undefined ? { default: f.default } : {}) },
    ]),
  );
  const messages = Object.fromEntries(
    cls.messages.map((m) => {
      const call = m.implicit ? undefined : callFor(calls, cls.name, m);
      const session = m.params[0]?.name === "session_id" && m.params[0].type === "session ref";
      const params = (session ? m.params.slice(1) : m.params).map((p) =>
        call && p.name in call.defaults ? { name: p.name, type: p.type, default: call.defaults[p.name] } : { name: p.name, type: p.type },
      );
      const async = call ? call.async : m.name === "create" || m.name === "destroy";
      return [
        m.name,
        { params, result: m.result[0], session, async, implicit: m.implicit, lifecycle: LIFECYCLE_OVERRIDES[`${cls.name}.${m.name}`] ?? LIFECYCLE[m.lifecycle.state], errors: m.errors.map((e) => e.name) },
      ];
    }),
  );
  return { lifecycle: LIFECYCLE[cls.lifecycle.state], fields, messages: { ...messages, ...hiddenQueries(cls.name, messages.get_all_records) } };
}

/**
 * `get_all_where` and `get_all_records_where`: served beside `get_all_records` but hidden from the
 * docs, so xenapi.json lacks them (ocaml/idl/datamodel_utils.ml `messages_of_obj`).
 */
function hiddenQueries(cls: string, getAllRecords: { lifecycle: string } | undefined) {
  if (!getAllRecords) return {};
  const common = { params: [{ name: "expr", type: "string" }], session: true, async: false, implicit: true, lifecycle: getAllRecords.lifecycle, errors: [], hidden: true };
  return {
    get_all_where: { ...common, result: `${cls} ref set` },
    get_all_records_where: { ...common, result: `(${cls} ref -> ${cls} record) map` },
  };
}

function main(): void {
  const [dir, commitArg = "HEAD"] = process.argv.slice(2);
  if (!dir) throw new Error("usage: tsx scripts/generate-xapi-api.ts <xen-api git dir> [commit]");
  const commit = git(dir, "rev-parse", commitArg).trim();
  const api = JSON.parse(show(dir, commit, "doc/data/xenapi.json")) as JsonClass[];
  const consts = classConstants(show(dir, commit, "ocaml/idl/datamodel_common.ml"));
  const calls = explicitCalls(dir, commit, consts);
  const classes = MODELLED.map((name) => {
    const cls = api.find((c) => c.name === name);
    if (!cls) throw new Error(`class ${name} not in xenapi.json`);
    return cls;
  });
  const enums = Object.fromEntries(
    classes.flatMap((c) => c.enums.map((e) => [e.name, e.values.map((v) => v.name)] as const)).sort(([a], [b]) => a.localeCompare(b)),
  );
  const description = {
    source: {
      repository: "https://github.com/xapi-project/xen-api",
      commit,
      files: ["doc/data/xenapi.json", "ocaml/idl/datamodel*.ml", "ocaml/idl/datamodel_errors.ml", "ocaml/xapi-consts/api_errors.ml"],
      licence: "LGPL-2.1-only with the xen-api linking exception (see LICENSE in that repository); this file is data derived from it",
      xenapiJsonLastChanged: git(dir, "log", "-1", "--format=%h %cs", commit, "--", "doc/data/xenapi.json").trim(),
      generator: "scripts/generate-xapi-api.ts",
      scope: "the classes the simulator models (the whole API is ~1.5 MB); errors: all",
    },
    classes: Object.fromEntries(classes.map((c) => [c.name, describeClass(c, calls)])),
    enums,
    errors: errorCodes(dir, commit),
  };
  const out = join(__dirname, "..", "sim", "api", "xapi-api.json");
  writeFileSync(out, JSON.stringify(description, null, 1) + "\n");
  console.log(`wrote ${out}`);
}

main();
