/** The XML-RPC codec, client and server side, as xapi speaks it. */
export { serializeMethodCall, serializeMethodResponse, serializeValue } from "./xmlrpc-serialize";
export { parseMethodCall, parseMethodResponse, parseValueXml } from "./xmlrpc-parse";
export { XmlRpcParseError, XmlRpcFault } from "./errors";
