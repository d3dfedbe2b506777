/** Errors raised by the wire codecs. */

/** The body is not well-formed XML-RPC / JSON-RPC; `excerpt` holds the start of what was received. */
export class XmlRpcParseError extends Error {
  override readonly name = "XmlRpcParseError";
  /** @param detail what is wrong @param excerpt the first characters of the offending document */
  constructor(
    readonly detail: string,
    readonly excerpt: string,
  ) {
    super(`malformed XML-RPC: ${detail}${excerpt ? ` (document starts: ${JSON.stringify(excerpt)})` : ""}`);
  }
}

/** An XML-RPC `<fault>` response (xapi itself never sends one, but other servers on the path may). */
export class XmlRpcFault extends Error {
  override readonly name = "XmlRpcFault";
  /** @param faultCode the fault's code @param faultString the fault's text */
  constructor(
    readonly faultCode: unknown,
    readonly faultString: string,
  ) {
    super(`XML-RPC fault ${String(faultCode)}: ${faultString}`);
  }
}

/** A JSON-RPC body that is not JSON or has neither `result` nor `error`. */
export class JsonRpcParseError extends Error {
  override readonly name = "JsonRpcParseError";
  /** @param detail what is wrong @param excerpt the first characters of the offending body */
  constructor(
    detail: string,
    readonly excerpt: string,
  ) {
    super(`malformed JSON-RPC response: ${detail} (body starts: ${JSON.stringify(excerpt)})`);
  }
}

/** The first characters of a document, for error messages. */
export function excerptOf(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
