/** XML-RPC parsing: method calls (server side) and method responses (client side). */
import { XmlRpcFault, XmlRpcParseError, excerptOf } from "./errors";
import { elementsOf, parseXmlDocument, textOf, type XmlNode } from "./xml-tree";

/**
 * Parses an XML-RPC method call, accepting everything xapi accepts.
 * @param xml the request body
 * @returns the method name and the decoded positional parameters
 * @throws XmlRpcParseError when the document is not a well-formed method call
 */
export function parseMethodCall(xml: string): { method: string; params: unknown[] } {
  return withExcerpt(xml, () => decodeMethodCall(parseXmlDocument(xml)));
}

function decodeMethodCall(document: XmlNode): { method: string; params: unknown[] } {
  const root = expectElement(document, "methodCall");
  const children = elementsOf(root);
  const nameNode = children.find((n) => n.name === "methodName");
  if (!nameNode) throw new XmlRpcParseError("methodCall without methodName", "");
  const method = textOf(nameNode.children).trim();
  if (!method) throw new XmlRpcParseError("empty methodName", "");
  const paramsNode = children.find((n) => n.name === "params");
  return { method, params: paramsNode ? decodeParams(paramsNode) : [] };
}

/**
 * Parses an XML-RPC method response and returns its single value.
 * @param xml the response body
 * @returns the decoded value (for xapi, the Status/Value envelope or `system.listMethods`' array)
 * @throws XmlRpcFault for a `<fault>` response
 * @throws XmlRpcParseError when the document is not a well-formed method response
 */
export function parseMethodResponse(xml: string): unknown {
  return withExcerpt(xml, () => decodeMethodResponse(parseXmlDocument(xml)));
}

function decodeMethodResponse(document: XmlNode): unknown {
  const root = expectElement(document, "methodResponse");
  const [body] = elementsOf(root);
  if (body?.name === "fault") throw faultFrom(body);
  if (body?.name !== "params") throw new XmlRpcParseError("methodResponse without params or fault", "");
  const params = decodeParams(body);
  if (params.length !== 1) throw new XmlRpcParseError(`methodResponse has ${params.length} params, expected 1`, "");
  return params[0];
}

/**
 * Parses a lone `<value>…</value>` fragment, such as a XAPI task's `result` field.
 * @param xml the fragment
 * @returns the decoded value
 * @throws XmlRpcParseError when it is not one well-formed `<value>` element
 */
export function parseValueXml(xml: string): unknown {
  return withExcerpt(xml, () => decodeValue(expectElement(parseXmlDocument(xml), "value")));
}

/**
 * Decodes one `<value>` element.
 * @throws XmlRpcParseError on an unknown or malformed type
 */
export function decodeValue(valueNode: XmlNode): unknown {
  const typed = elementsOf(valueNode);
  if (typed.length === 0) return textOf(valueNode.children);
  if (typed.length > 1) throw new XmlRpcParseError(`<value> holds ${typed.length} elements`, "");
  const [node] = typed;
  const text = textOf(node.children);
  switch (node.name) {
    case "string":
      return text;
    case "int":
    case "i4":
    case "i8":
      return decodeInteger(text, node.name);
    case "boolean":
      return text.trim() === "1";
    case "double":
      return decodeDouble(text);
    case "dateTime.iso8601":
      return text.trim();
    case "base64":
      return Buffer.from(text.replace(/\s+/g, ""), "base64");
    case "nil":
      return null;
    case "array":
      return decodeArray(node);
    case "struct":
      return decodeStruct(node);
    default:
      throw new XmlRpcParseError(`unknown value type <${node.name}>`, "");
  }
}

function decodeParams(paramsNode: XmlNode): unknown[] {
  return elementsOf(paramsNode).map((param) => {
    const value = elementsOf(expectElement(param, "param"))[0];
    return decodeValue(expectElement(value, "value"));
  });
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

function decodeArray(arrayNode: XmlNode): unknown[] {
  const data = elementsOf(arrayNode)[0];
  if (!data) return [];
  return elementsOf(expectElement(data, "data")).map((v) => decodeValue(expectElement(v, "value")));
}

function decodeStruct(structNode: XmlNode): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const member of elementsOf(structNode)) {
    const parts = elementsOf(expectElement(member, "member"));
    const nameNode = parts.find((n) => n.name === "name");
    const valueNode = parts.find((n) => n.name === "value");
    if (!nameNode || !valueNode) throw new XmlRpcParseError("struct member without name or value", "");
    result[textOf(nameNode.children)] = decodeValue(valueNode);
  }
  return result;
}

function faultFrom(faultNode: XmlNode): XmlRpcFault {
  const value = elementsOf(faultNode)[0];
  const decoded = decodeValue(expectElement(value, "value"));
  const fault = (decoded && typeof decoded === "object" ? decoded : {}) as Record<string, unknown>;
  return new XmlRpcFault(fault.faultCode, String(fault.faultString ?? ""));
}

/** Adds the start of the document to structural errors raised deep inside the decoder. */
function withExcerpt<T>(xml: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof XmlRpcParseError && !error.excerpt) {
      throw new XmlRpcParseError(error.detail, excerptOf(xml));
    }
    throw error;
  }
}

function expectElement(node: XmlNode | undefined, name: string): XmlNode {
  if (node?.name !== name) throw new XmlRpcParseError(`expected <${name}>, found ${node ? `<${node.name}>` : "nothing"}`, "");
  return node;
}
