/** serializeValue: one xapi-style `<value>` element, the form task.result carries. */
import { describe, expect, it } from "vitest";
import { XmlRpcDateTime, XmlRpcDouble, parseValueXml, serializeMethodResponse, serializeValue } from "../../sdk/xapi/wire";

describe("serializeValue", () => {
  it("renders a ref as task.result holds it: untyped, no XML declaration", () => {
    expect(serializeValue("OpaqueRef:0b2c", "xapi")).toBe("<value>OpaqueRef:0b2c</value>");
  });

  it("renders nested values exactly as inside a method response, and parses back", () => {
    const value = { refs: ["OpaqueRef:a", "OpaqueRef:b"], size: 4294967296, ok: true, f: new XmlRpcDouble(0.5), at: new XmlRpcDateTime("20250319T04:16:24Z"), text: "a<b&c" };
    const element = serializeValue(value, "xapi");
    expect(element).toBe(
      "<value><struct><member><name>refs</name><value><array><data><value>OpaqueRef:a</value><value>OpaqueRef:b</value></data></array></value></member>" +
        "<member><name>size</name><value>4294967296</value></member><member><name>ok</name><value><boolean>1</boolean></value></member>" +
        "<member><name>f</name><value><double>0.5</double></value></member><member><name>at</name><value><dateTime.iso8601>20250319T04:16:24Z</dateTime.iso8601></value></member>" +
        "<member><name>text</name><value>a&lt;b&amp;c</value></member></struct></value>",
    );
    expect(serializeMethodResponse(value, "xapi")).toContain(`<param>${element}</param>`);
    expect(parseValueXml(element)).toEqual({ refs: ["OpaqueRef:a", "OpaqueRef:b"], size: "4294967296", ok: true, f: 0.5, at: "20250319T04:16:24Z", text: "a<b&c" });
  });
});
