/** A tiny ordered XML element tree on top of fast-xml-parser, for the XML-RPC parser. */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { XmlRpcParseError, excerptOf } from "./errors";

/** One element: its name and its children in document order (text nodes carry `text`). */
export interface XmlNode {
  /** element name, or `"#text"` for character data */
  readonly name: string;
  /** element children in order (empty for text nodes) */
  readonly children: readonly XmlNode[];
  /** the decoded character data of a text node */
  readonly text: string;
}

const TEXT = "#text";
const CDATA = "#cdata";

const parser = new XMLParser({
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: CDATA,
  commentPropName: "#comment",
});

/**
 * Parses a document into its root element, keeping whitespace and order.
 * @throws XmlRpcParseError when the document is not well-formed XML
 */
export function parseXmlDocument(xml: string): XmlNode {
  // XML-RPC has no DTDs; refusing them rules out entity tricks.
  if (xml.includes("<!DOCTYPE")) throw new XmlRpcParseError("a DOCTYPE is not allowed in XML-RPC", excerptOf(xml));
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new XmlRpcParseError(`${msg} (line ${line}, column ${col})`, excerptOf(xml));
  }
  const roots = toNodes(parser.parse(xml)).filter((n) => n.name !== TEXT);
  if (roots.length !== 1) throw new XmlRpcParseError("expected exactly one root element", excerptOf(xml));
  return roots[0];
}

function toNodes(raw: unknown): XmlNode[] {
  if (!Array.isArray(raw)) return [];
  const nodes: XmlNode[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    for (const [name, content] of Object.entries(entry)) {
      if (name === ":@" || name === "#comment") continue;
      if (name === TEXT) nodes.push({ name: TEXT, children: [], text: String(content) });
      else if (name === CDATA) nodes.push({ name: TEXT, children: [], text: textOf(toNodes(content)) });
      else nodes.push({ name, children: toNodes(content), text: "" });
    }
  }
  return nodes;
}

/** The concatenated character data of a list of nodes. */
export function textOf(nodes: readonly XmlNode[]): string {
  return nodes
    .filter((n) => n.name === TEXT)
    .map((n) => n.text)
    .join("");
}

/** The element children, without text nodes (whitespace between tags is not significant there). */
export function elementsOf(node: XmlNode): XmlNode[] {
  return node.children.filter((n) => n.name !== TEXT);
}
