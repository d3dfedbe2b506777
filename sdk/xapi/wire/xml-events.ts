/**
 * One streaming pass over an XML document with sax (strict mode: well-formedness is checked as it
 * goes), handing element starts, ends and character data to a consumer. Replaces validating,
 * parsing into a tree and walking that tree as separate passes over the body.
 */
import { parser as saxParser } from "sax";
import { XmlRpcParseError, excerptOf } from "./errors";

/** What a single pass over a document reports to. */
export interface XmlEventSink {
  open(name: string): void;
  close(name: string): void;
  /** Character data (entities decoded; CDATA sections included). */
  text(text: string): void;
}

/**
 * Runs `sink` over `xml` in one pass.
 * @throws XmlRpcParseError when the document is not well-formed XML or has a DOCTYPE (XML-RPC
 * has none; refusing it rules out entity tricks); errors thrown by `sink` pass through
 */
export function scanXml(xml: string, sink: XmlEventSink): void {
  const sax = saxParser(true, { trim: false, normalize: false, position: false });
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  // sax reports through callbacks; a throw inside one would leave it half-way, so the first
  // failure is kept and everything after it ignored.
  const guard = <A extends unknown[]>(handle: (...args: A) => void) => (...args: A) => {
    if (failure !== undefined) return;
    try {
      handle(...args);
    } catch (error) {
      fail(error);
    }
  };
  sax.onopentag = guard((tag: { name: string }) => sink.open(tag.name));
  sax.onclosetag = guard((name: string) => sink.close(name));
  sax.ontext = guard((text: string) => sink.text(text));
  sax.oncdata = guard((text: string) => sink.text(text));
  sax.ondoctype = guard(() => {
    throw new XmlRpcParseError("a DOCTYPE is not allowed in XML-RPC", excerptOf(xml));
  });
  sax.onerror = (error: Error) => {
    fail(new XmlRpcParseError(error.message.replace(/\n/g, " ").trim(), excerptOf(xml)));
    sax.error = null as unknown as Error; // let sax finish the write call; the failure is kept
  };
  sax.write(xml);
  if (failure === undefined) sax.close();
  if (failure !== undefined) throw failure;
}
