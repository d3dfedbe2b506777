/** XML-RPC parsing: method calls (server side) and method responses (client side), one pass each. */
import { XmlRpcParseError, excerptOf } from "./errors";
import { XmlRpcDecoder } from "./xmlrpc-decoder";
import { scanXml } from "./xml-events";

/**
 * Parses an XML-RPC method call, accepting everything xapi accepts.
 * @param xml the request body
 * @returns the method name and the decoded positional parameters
 * @throws XmlRpcParseError when the document is not a well-formed method call
 */
export function parseMethodCall(xml: string): { method: string; params: unknown[] } {
  return decodeDocument(xml, "methodCall") as { method: string; params: unknown[] };
}

/**
 * Parses an XML-RPC method response and returns its single value.
 * @param xml the response body
 * @returns the decoded value (for xapi, the Status/Value envelope or `system.listMethods`' array)
 * @throws XmlRpcFault for a `<fault>` response
 * @throws XmlRpcParseError when the document is not a well-formed method response
 */
export function parseMethodResponse(xml: string): unknown {
  return decodeDocument(xml, "methodResponse");
}

/**
 * Parses a lone `<value>…</value>` fragment, such as a XAPI task's `result` field.
 * @param xml the fragment
 * @returns the decoded value
 * @throws XmlRpcParseError when it is not one well-formed `<value>` element
 */
export function parseValueXml(xml: string): unknown {
  return decodeDocument(xml, "value");
}

/** Decodes `xml` (root element `root`) in one streaming pass; structural errors quote the document's start. */
function decodeDocument(xml: string, root: string): unknown {
  const decoder = new XmlRpcDecoder(root);
  try {
    scanXml(xml, decoder);
    return decoder.decoded();
  } catch (error) {
    if (error instanceof XmlRpcParseError && !error.excerpt) throw new XmlRpcParseError(error.detail, excerptOf(xml));
    throw error;
  }
}
