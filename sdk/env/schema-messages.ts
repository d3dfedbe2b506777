/**
 * Turns ajv errors into messages that say what was expected, in the words of the format
 * (mapping, list, name) rather than JSON Schema's, and says where to point in the file.
 */
import type { ErrorObject } from "ajv";
import type { PathSegment } from "./source";

/** A schema error ready to be located: its path, whether to point at the key, and the message. */
export interface SchemaProblem {
  path: PathSegment[];
  focus: "key" | "value";
  message: string;
}

type SchemaNode = Record<string, unknown> & {
  properties?: Record<string, SchemaNode>;
  description?: string;
  $ref?: string;
  patternErrorMessage?: string;
};

const SECRET_HINT =
  'reference it instead: {config: "bioxen:<key>"} (stored with `pulumi config set --secret bioxen:<key>`) or {env: "<VARIABLE>"}';

/** The problem an ajv error describes, or undefined for wrapper errors that repeat an inner one. */
export function describeSchemaError(error: ErrorObject, root: SchemaNode): SchemaProblem | undefined {
  const path = parsePointer(error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const got = describeValue(error.data);
  const params = error.params as Record<string, unknown>;
  const value = (message: string): SchemaProblem => ({ path, focus: "value", message });

  if (error.keyword === "propertyNames") return undefined;
  if (error.propertyName !== undefined) {
    // An invalid map key: ajv reports the failed key rule with the key as `propertyName`.
    return { path: [...path, error.propertyName], focus: "key", message: `invalid name ${JSON.stringify(error.propertyName)}: expected ${expectation(parent)}` };
  }
  const definitions = root.definitions as Record<string, SchemaNode>;
  if (parent === definitions.secretRef && error.keyword === "type") {
    // Never echo the value: it may be the secret itself.
    return value(error.data === null ? `expected a secret reference, got nothing; ${SECRET_HINT}` : `an inline secret is not allowed; ${SECRET_HINT}`);
  }
  if (parent === definitions.url && typeof error.data === "string" && error.data.includes("@")) {
    // Never echo a URL carrying credentials.
    return value(`credentials in the URL are not allowed; expected https://host[:port] with the user in username and the password as {config: …} or {env: …}`);
  }
  switch (error.keyword) {
    case "type":
      if (path.length === 0) return value(`expected a mapping that starts with \`version: 1\`, got ${got}`);
      return value(`expected ${typeWords(params.type)}, got ${got}`);
    case "required": {
      const name = String(params.missingProperty);
      if (path.length === 0 && name === "version") return value("missing `version: 1` (the format version); add it as the first line");
      const about = firstSentence(propertyDescription(parent.properties?.[name], root));
      return { path, focus: "key", message: `missing required property "${name}"${about ? ` (${about})` : ""}` };
    }
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const guess = closest(name, allowed);
      return {
        path: [...path, name],
        focus: "key",
        message: `unknown property "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}; expected one of: ${allowed.join(", ")}`,
      };
    }
    case "const":
      if (path.length === 1 && path[0] === "version") {
        return value(`expected version: 1 (the only format version this bioxen-luavm reads), got ${got}`);
      }
      return value(`expected ${JSON.stringify(params.allowedValue)}, got ${got}`);
    case "enum":
      return value(`expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${got}`);
    case "minimum":
    case "maximum":
      return value(`expected ${rangeWords(parent)}, got ${got}`);
    case "pattern":
      return value(`expected ${expectation(parent)}, got ${got}`);
    case "minLength":
      return value(`expected a non-empty string, got ${got}`);
    case "maxLength":
      return value(`expected at most ${params.limit} characters, got ${(error.data as string).length}`);
    case "minItems":
      return value(`expected a list of at least ${params.limit} item${params.limit === 1 ? "" : "s"}, got an empty list`);
    case "maxItems":
      return value(`expected at most ${params.limit} items, got ${(error.data as unknown[]).length}`);
    case "uniqueItems": {
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      const item = (error.data as unknown[])[later];
      return { path: [...path, later], focus: "value", message: `${describeValue(item)} is listed twice (items ${earlier} and ${later}); expected each item once` };
    }
    case "minProperties":
    case "maxProperties": {
      const keys = Object.keys(parent.properties ?? {});
      const exactly = parent.minProperties === 1 && parent.maxProperties === 1;
      return value(`expected ${exactly ? "exactly one" : "at least one"} of ${keys.join(", ")}, got ${got}`);
    }
    default:
      return value(`${error.message ?? "is invalid"} (got ${got})`);
  }
}

/** A short description of a value for messages: strings quoted, containers by kind. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an empty mapping" : `a mapping with ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
  }
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function parsePointer(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: "a string",
    integer: "an integer",
    number: "a number",
    boolean: "true or false",
    object: "a mapping",
    array: "a list",
    null: "nothing",
  };
  const types = Array.isArray(type) ? type : String(type).split(",");
  return types.map((t) => words[t] ?? t).join(" or ");
}

function rangeWords(schema: SchemaNode): string {
  const kind = schema.type === "integer" ? "an integer" : "a number";
  const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
  if (minimum !== undefined && maximum !== undefined) return `${kind} from ${minimum} to ${maximum}`;
  return minimum !== undefined ? `${kind} ≥ ${minimum}` : `${kind} ≤ ${maximum}`;
}

function expectation(schema: SchemaNode): string {
  return schema.patternErrorMessage ?? `a value matching ${String((schema as { pattern?: string }).pattern)}`;
}

function propertyDescription(schema: SchemaNode | undefined, root: SchemaNode): string | undefined {
  if (!schema) return undefined;
  if (schema.description) return schema.description;
  if (schema.$ref?.startsWith("#/definitions/")) {
    return (root.definitions as Record<string, SchemaNode>)[schema.$ref.slice("#/definitions/".length)]?.description;
  }
  return undefined;
}

function firstSentence(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const end = text.search(/[.:](\s|$)/);
  const sentence = end === -1 ? text : text.slice(0, end);
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** The allowed name nearest to `name` (edit distance ≤ 1/3 of its length, or a case-only difference). */
function closest(name: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = name.length >= 3 && candidate.toLowerCase().startsWith(name.toLowerCase()) ? 1 : editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
