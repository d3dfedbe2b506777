/**
 * Decodes XML-RPC straight from parser events into values, with a stack of open elements: no
 * intermediate tree. Grammar (as xapi writes and accepts it):
 *   methodResponse → params | fault;  methodCall → methodName, params?;  params → param*;
 *   param → value;  fault → value;  value → text | one typed element;
 *   array → data → value*;  struct → member*;  member → name, value.
 */
import { XmlRpcFault, XmlRpcParseError } from "./errors";
import type { XmlEventSink } from "./xml-events";

const SCALARS = new Set(["string", "int", "i4", "i8", "boolean", "double", "dateTime.iso8601", "base64", "nil"]);

/** Which children each structural element takes (the first listed is what an error names). */
const CHILDREN: Record<string, readonly string[]> = {
  methodResponse: ["params", "fault"],
  methodCall: ["methodName", "params"],
  params: ["param"],
  param: ["value"],
  fault: ["value"],
  array: ["data"],
  data: ["value"],
  struct: ["member"],
  member: ["name", "value"],
};

/** One open element: its name, its character data, and what its children produced. */
interface Frame {
  readonly name: string;
  text: string;
  /** Values of child elements, in order (params, data). */
  items: unknown[];
  /** Child element count (value: typed children; member: name/value seen). */
  children: number;
  /** Decoded typed child of a value; the struct of a struct; the member name. */
  result: unknown;
  /** For member: its value; for methodCall: its method name. */
  second: unknown;
  hasSecond: boolean;
}

/** The decoded document: what its root element produced. */
export interface DecodedRoot {
  root: string;
  value: unknown;
}

/**
 * An {@link XmlEventSink} that decodes a document whose root is `root`; read `decoded()` after the
 * pass.
 */
export class XmlRpcDecoder implements XmlEventSink {
  private readonly stack: Frame[] = [];
  private done: DecodedRoot | undefined;
  private roots = 0;

  constructor(private readonly root: string) {}

  open(name: string): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.roots += 1;
      if (this.roots > 1) throw new XmlRpcParseError("expected exactly one root element", "");
      if (name !== this.root) throw new XmlRpcParseError(`expected <${this.root}>, found <${name}>`, "");
    } else {
      checkChild(parent, name);
    }
    this.stack.push({ name, text: "", items: [], children: 0, result: undefined, second: undefined, hasSecond: false });
  }

  text(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined) top.text += text;
  }

  close(name: string): void {
    const frame = this.stack.pop()!;
    const value = finish(frame);
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.done = { root: name, value };
    else deliver(parent, name, value);
  }

  /** The root's value; throws when the document had no root element. */
  decoded(): unknown {
    if (!this.done) throw new XmlRpcParseError("expected exactly one root element", "");
    return this.done.value;
  }
}

function checkChild(parent: Frame, name: string): void {
  if (parent.name === "value") {
    if (!SCALARS.has(name) && name !== "array" && name !== "struct") throw new XmlRpcParseError(`unknown value type <${name}>`, "");
    parent.children += 1;
    if (parent.children > 1) throw new XmlRpcParseError(`<value> holds ${parent.children} elements`, "");
    return;
  }
  const allowed = CHILDREN[parent.name];
  if (allowed === undefined) throw new XmlRpcParseError(`unexpected <${name}> inside <${parent.name}>`, "");
  if (!allowed.includes(name)) throw new XmlRpcParseError(`expected <${allowed[0]}>, found <${name}>`, "");
}

/** The value an element stands for, once it is closed. */
function finish(frame: Frame): unknown {
  switch (frame.name) {
    case "value":
      return frame.children === 0 ? frame.text : frame.result;
    case "string":
    case "name":
    case "methodName":
      return frame.text;
    case "int":
    case "i4":
    case "i8":
      return decodeInteger(frame.text, frame.name);
    case "boolean":
      return frame.text.trim() === "1";
    case "double":
      return decodeDouble(frame.text);
    case "dateTime.iso8601":
      return frame.text.trim();
    case "base64":
      return Buffer.from(frame.text.replace(/\s+/g, ""), "base64");
    case "nil":
      return null;
    case "array":
    case "struct":
      return frame.result ?? (frame.name === "array" ? [] : {});
    case "data":
    case "params":
      return frame.items;
    case "param":
      return single(frame, "param");
    case "member":
      if (frame.result === undefined || !frame.hasSecond) throw new XmlRpcParseError("struct member without name or value", "");
      return [frame.result, frame.second];
    case "fault":
      return faultFrom(single(frame, "fault"));
    case "methodResponse":
      return responseValue(frame);
    case "methodCall":
      return callValue(frame);
    default:
      throw new XmlRpcParseError(`unexpected element <${frame.name}>`, "");
  }
}

/** Hands a closed child's value to its parent. */
function deliver(parent: Frame, child: string, value: unknown): void {
  switch (parent.name) {
    case "value":
    case "array":
      parent.result = value;
      return;
    case "struct": {
      const [key, member] = value as [string, unknown];
      const struct = (parent.result ??= {}) as Record<string, unknown>;
      // A member named "__proto__" is data, not the object's prototype.
      if (key === "__proto__") Object.defineProperty(struct, key, { value: member, enumerable: true, writable: true, configurable: true });
      else struct[key] = member;
      return;
    }
    case "member":
    case "methodCall":
    case "methodResponse":
      if (child === "name" || child === "methodName" || child === "fault") parent.result ??= value;
      else if (!parent.hasSecond) {
        parent.second = value;
        parent.hasSecond = true;
      }
      if (child === "fault") parent.children += 1;
      return;
    default:
      parent.items.push(value);
  }
}

function single(frame: Frame, name: string): unknown {
  if (frame.items.length === 0) throw new XmlRpcParseError(`expected <value>, found nothing in <${name}>`, "");
  return frame.items[0];
}

function responseValue(frame: Frame): unknown {
  if (frame.result instanceof XmlRpcFault) throw frame.result;
  if (!frame.hasSecond) throw new XmlRpcParseError("methodResponse without params or fault", "");
  const params = frame.second as unknown[];
  if (params.length !== 1) throw new XmlRpcParseError(`methodResponse has ${params.length} params, expected 1`, "");
  return params[0];
}

function callValue(frame: Frame): { method: string; params: unknown[] } {
  if (frame.result === undefined) throw new XmlRpcParseError("methodCall without methodName", "");
  const method = String(frame.result).trim();
  if (!method) throw new XmlRpcParseError("empty methodName", "");
  return { method, params: frame.hasSecond ? (frame.second as unknown[]) : [] };
}

function faultFrom(decoded: unknown): XmlRpcFault {
  const fault = (decoded && typeof decoded === "object" ? decoded : {}) as Record<string, unknown>;
  return new XmlRpcFault(fault.faultCode, String(fault.faultString ?? ""));
}

function decodeInteger(text: string, tag: string): number {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw new XmlRpcParseError(`<${tag}> holds ${JSON.stringify(text)}`, "");
  return Number(trimmed);
}

function decodeDouble(text: string): number {
  const trimmed = text.trim().toLowerCase();
  const special: Record<string, number> = { nan: NaN, "-nan": NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity };
  if (trimmed in special) return special[trimmed];
  const value = Number(trimmed);
  if (trimmed === "" || Number.isNaN(value)) throw new XmlRpcParseError(`<double> holds ${JSON.stringify(text)}`, "");
  return value;
}
