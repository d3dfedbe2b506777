/**
 * The `other_config.disks` provision document of built-in templates:
 * `<provision><disk device="0" size="BYTES" sr="SR-UUID" bootable="true" type="system"/></provision>`.
 * Parsed and rebuilt with a real XML parser so other attributes and elements survive.
 */
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { XapiRecipeError } from "./errors";

const ATTRIBUTES = ":@";
const PREFIX = "@_";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: PREFIX,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: PREFIX,
  suppressEmptyNode: true,
  processEntities: true,
});

type OrderedNode = Record<string, unknown> & { [ATTRIBUTES]?: Record<string, string> };

/** One `<disk>` of a provision document. */
export interface ProvisionDisk {
  device: string;
  size: number;
  sr: string;
  bootable: boolean;
  type: string;
}

/** Rewrites the `sr` attribute of every `<disk>` to `srUuid`, keeping everything else. */
export function rewriteProvisionSr(xml: string, srUuid: string): string {
  const tree = parseProvision(xml);
  forEachDisk(tree, (attributes) => {
    attributes[`${PREFIX}sr`] = srUuid;
  });
  return builder.build(tree) as string;
}

/** The disks a provision document declares. */
export function listProvisionDisks(xml: string): ProvisionDisk[] {
  const disks: ProvisionDisk[] = [];
  forEachDisk(parseProvision(xml), (a) =>
    disks.push({
      device: a[`${PREFIX}device`] ?? "",
      size: Number(a[`${PREFIX}size`] ?? Number.NaN),
      sr: a[`${PREFIX}sr`] ?? "",
      bootable: a[`${PREFIX}bootable`] === "true",
      type: a[`${PREFIX}type`] ?? "",
    }),
  );
  return disks;
}

function parseProvision(xml: string): OrderedNode[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new XapiRecipeError(
      { step: "read the template's other_config.disks", hint: "fix the template's provision XML or use a template without it" },
      `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`,
    );
  }
  return parser.parse(xml) as OrderedNode[];
}

function forEachDisk(nodes: OrderedNode[], visit: (attributes: Record<string, string>) => void): void {
  for (const node of nodes) {
    for (const [tag, children] of Object.entries(node)) {
      if (tag === ATTRIBUTES) continue;
      if (tag === "disk") {
        node[ATTRIBUTES] ??= {};
        visit(node[ATTRIBUTES]);
      }
      if (Array.isArray(children)) forEachDisk(children as OrderedNode[], visit);
    }
  }
}
