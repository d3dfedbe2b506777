/** XAPI wire codecs (XML-RPC and JSON-RPC), shared by the client and the simulator. */
export * from "./values";
export * from "./xmlrpc";
export * from "./jsonrpc";
export { formatDoubleLikeC } from "./format-double";
export { escapeXmlText } from "./escape";
