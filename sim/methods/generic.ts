/** The methods xapi generates for every class: getters, setters, map/set helpers, lookups. */
import { CLASSES, T, fieldOf, type ClassDef, type FieldDef } from "../schema";
import { API, parseType } from "../api/description";
import { compileQuery } from "../model/query";
import { XapiFailure } from "../model/failure";
import { recordToWire } from "../rpc/to-wire";
import { method, type MethodDef } from "../rpc/method";
import type { Store } from "../model/store";

/**
 * The accessors and lookups the API description gives every served class (implicit ones, and
 * explicit setters the simulator serves plainly), each with the description's parameters.
 * Constructors, destructors and all other explicit messages are hand-written per class.
 */
export function genericMethods(): MethodDef[] {
  return CLASSES.flatMap((cls) =>
    Object.entries(API.classes[cls.name].messages).flatMap(([name, msg]) => {
      if (msg.lifecycle === "removed") return [];
      const def = implicitMethod(cls, name);
      return def ? [{ ...def, params: msg.params.map((p) => ({ name: p.name, type: parseType(p.type) })) }] : [];
    }),
  );
}

/** The handler of one implicit message, by xapi's naming scheme (ocaml/idl/datamodel_utils.ml). */
function implicitMethod(cls: ClassDef, name: string): MethodDef | undefined {
  const lookup = lookupMethods(cls).find((def) => def.name === `${cls.name}.${name}`);
  if (lookup) return lookup;
  const m = /^(get|set|add_to|remove_from|add|remove)_(.+)$/.exec(name);
  const field = m ? fieldOf(cls, m[2]) : undefined;
  if (!m || !field) return undefined;
  return fieldMethods(cls, field).find((def) => def.name === `${cls.name}.${name}`);
}

function recordsMap(store: Store, cls: ClassDef, keep: (rec: Record<string, unknown>) => boolean = () => true) {
  return Object.fromEntries(store.all(cls.name).filter((o) => keep(o.record)).map((o) => [o.ref, recordToWire(cls.name, o.record)]));
}

/** Per-map key rules xapi enforces on every write (xenstore_data is guest-visible under vm-data/). */
const MAP_KEY_RULES: Record<string, (key: string) => void> = {
  "VM.xenstore_data": (key) => {
    if (!key.startsWith("vm-data/")) throw new XapiFailure("INVALID_VALUE", ["xenstore_data", key]);
  },
};

function checkKeys(cls: ClassDef, field: FieldDef, keys: string[]): void {
  const rule = MAP_KEY_RULES[`${cls.name}.${field.name}`];
  if (rule) keys.forEach(rule);
}

function listMethods(cls: ClassDef): MethodDef[] {
  const name = cls.name;
  return [
    method({ name: `${name}.get_all`, params: [], result: T.set(T.ref(name)), handler: ({ core }) => core.store.all(name).map((o) => o.ref) }),
    method({ name: `${name}.get_all_records`, params: [], result: T.raw, handler: ({ core }) => recordsMap(core.store, cls) }),
    method({
      name: `${name}.get_all_where`,
      params: [{ name: "expr", type: T.string }],
      result: T.set(T.ref(name)),
      handler: ({ core }, expr: string) => Object.keys(recordsMap(core.store, cls, compileQuery(expr))),
    }),
    method({
      name: `${name}.get_all_records_where`,
      params: [{ name: "expr", type: T.string }],
      result: T.raw,
      handler: ({ core }, expr: string) => recordsMap(core.store, cls, compileQuery(expr)),
    }),
  ];
}

function lookupMethods(cls: ClassDef): MethodDef[] {
  const name = cls.name;
  const self = { name: "self", type: T.ref(name) };
  const defs: MethodDef[] = [
    ...listMethods(cls),
    method({ name: `${name}.get_record`, params: [self], result: T.record(name), handler: ({ core }, ref: string) => core.store.get(name, ref) }),
    method({
      name: `${name}.get_by_uuid`,
      params: [{ name: "uuid", type: T.string }],
      result: T.ref(name),
      handler: ({ core }, uuid: string) => core.store.refByUuid(name, uuid),
    }),
  ];
  defs.push(
      method({
        name: `${name}.get_by_name_label`,
        params: [{ name: "label", type: T.string }],
        result: T.set(T.ref(name)),
        handler: ({ core }, label: string) => core.store.all(name).filter((o) => o.record.name_label === label).map((o) => o.ref),
      }),
    ...tagMethods(cls),
  );
  return defs;
}

function fieldMethods(cls: ClassDef, field: FieldDef): MethodDef[] {
  const name = cls.name;
  const self = { name: "self", type: T.ref(name) };
  const defs: MethodDef[] = [
    method({
      name: `${name}.get_${field.name}`,
      params: [self],
      result: field.type,
      handler: ({ core }, ref: string) => core.store.get(name, ref)[field.name],
    }),
  ];
  defs.push(
    method({
      name: `${name}.set_${field.name}`,
      params: [self, { name: "value", type: field.type }],
      result: T.void,
      handler: ({ core }, ref: string, value: unknown) => {
        core.store.get(name, ref);
        if (field.type.kind === "map") checkKeys(cls, field, Object.keys(value as object));
        core.store.update(name, ref, { [field.name]: value });
      },
    }),
  );
  if (field.type.kind === "map") defs.push(...mapMethods(cls, field));
  return defs;
}

function mapMethods(cls: ClassDef, field: FieldDef): MethodDef[] {
  const name = cls.name;
  const type = field.type as Extract<FieldDef["type"], { kind: "map" }>;
  const self = { name: "self", type: T.ref(name) };
  return [
    method({
      name: `${name}.add_to_${field.name}`,
      params: [self, { name: "key", type: type.key }, { name: "value", type: type.value }],
      result: T.void,
      handler: ({ core }, ref: string, key: string, value: unknown) => {
        const map = core.store.get(name, ref)[field.name] as Record<string, unknown>;
        if (key in map) throw new XapiFailure("MAP_DUPLICATE_KEY", [name, field.name, ref, key]);
        checkKeys(cls, field, [key]);
        core.store.update(name, ref, { [field.name]: { ...map, [key]: value } });
      },
    }),
    method({
      name: `${name}.remove_from_${field.name}`,
      params: [self, { name: "key", type: type.key }],
      result: T.void,
      handler: ({ core }, ref: string, key: string) => {
        const map = { ...(core.store.get(name, ref)[field.name] as Record<string, unknown>) };
        if (!(key in map)) return;
        delete map[key];
        core.store.update(name, ref, { [field.name]: map });
      },
    }),
  ];
}

function tagMethods(cls: ClassDef): MethodDef[] {
  const name = cls.name;
  const params = [
    { name: "self", type: T.ref(name) },
    { name: "value", type: T.string },
  ];
  return [
    method({
      name: `${name}.add_tags`,
      params,
      result: T.void,
      handler: ({ core }, ref: string, tag: string) => {
        const tags: string[] = core.store.get(name, ref).tags;
        if (!tags.includes(tag)) core.store.update(name, ref, { tags: [...tags, tag] });
      },
    }),
    method({
      name: `${name}.remove_tags`,
      params,
      result: T.void,
      handler: ({ core }, ref: string, tag: string) => {
        const tags: string[] = core.store.get(name, ref).tags;
        if (tags.includes(tag)) core.store.update(name, ref, { tags: tags.filter((t) => t !== tag) });
      },
    }),
  ];
}
