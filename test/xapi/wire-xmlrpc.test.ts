import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  XmlRpcDateTime,
  XmlRpcDouble,
  XmlRpcFault,
  XmlRpcInt32,
  XmlRpcParseError,
  formatDoubleLikeC,
  parseMethodCall,
  parseMethodResponse,
  serializeMethodCall,
  serializeMethodResponse,
  type WireValue,
} from "../../sdk/xapi/wire";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/xapi-wire", name), "utf8");
type Envelope = { Status: string; Value: Record<string, unknown>; ErrorDescription?: unknown[] };

describe("XML-RPC responses as xapi emits them", () => {
  it("decodes a VM record: untyped int64 as strings, booleans, compact dates, maps, empty values", () => {
    const { Status, Value: vm } = parseMethodResponse(fixture("vm-get-record.xml")) as Envelope;
    expect(Status).toBe("Success");
    expect(vm.memory_static_max).toBe("1073741824");
    expect(vm.VCPUs_max).toBe("2");
    expect(vm.is_a_template).toBe(false);
    expect(vm.power_state).toBe("Running");
    expect(vm.snapshot_time).toBe("19700101T00:00:00Z");
    expect(vm.HVM_shadow_multiplier).toBe(1);
    expect(vm.name_label).toBe('lua-worker <1> & "test"');
    expect(vm.name_description).toBe("");
    expect(vm.current_operations).toEqual({});
    expect(vm.snapshots).toEqual([]);
    expect(vm.platform).toMatchObject({ "device-model": "qemu-upstream-compat", "cores-per-socket": "2" });
    expect(vm.other_config).toMatchObject({ "bioxen-luavm:owner": "stack-dev", import_task: "" });
    expect(vm.recommendations).toContain('<restriction field="memory-static-max"');
  });

  it("re-emits the VM record byte for byte when floats and dates are wrapped", () => {
    const xml = fixture("vm-get-record.xml");
    const envelope = parseMethodResponse(xml) as Envelope;
    const vm = envelope.Value;
    const value = {
      ...envelope,
      Value: {
        ...vm,
        HVM_shadow_multiplier: new XmlRpcDouble(vm.HVM_shadow_multiplier as number),
        snapshot_time: new XmlRpcDateTime(vm.snapshot_time as string),
      },
    } as WireValue;
    expect(serializeMethodResponse(value, "xapi")).toBe(xml);
  });

  it("decodes system.listMethods as a bare array and re-emits it exactly", () => {
    const xml = fixture("system-list-methods.xml");
    const methods = parseMethodResponse(xml) as string[];
    expect(methods).toContain("Async.VM.clone");
    expect(serializeMethodResponse(methods, "xapi")).toBe(xml);
  });

  it("decodes a Failure envelope and re-emits it exactly", () => {
    const xml = fixture("failure-bad-power-state.xml");
    const envelope = parseMethodResponse(xml) as Envelope;
    expect(envelope.Status).toBe("Failure");
    expect(envelope.ErrorDescription).toEqual([
      "VM_BAD_POWER_STATE",
      "OpaqueRef:7b0b5a3e-1f0c-4e55-9d8e-3f3a0c6f5b21",
      "halted",
      "running",
    ]);
    expect(serializeMethodResponse(envelope as unknown as WireValue, "xapi")).toBe(xml);
  });

  it("decodes event.from with <i4> valid_ref_counts and a del event without snapshot", () => {
    const { Value } = parseMethodResponse(fixture("event-from.xml")) as Envelope;
    const events = Value.events as Record<string, unknown>[];
    expect(Value.valid_ref_counts).toEqual({ task: 3, vm: 12 });
    expect(Value.token).toBe("00000000000000001235,00000000000000000042");
    expect(events[0]).toMatchObject({ id: "1234", class: "task", operation: "mod" });
    expect((events[0].snapshot as Record<string, unknown>).result).toBe(
      "<value>OpaqueRef:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</value>",
    );
    expect(events[1]).not.toHaveProperty("snapshot");
  });

  it("emits every wire type in xapi's style on one line", () => {
    const xml = serializeMethodResponse(
      [123, new XmlRpcInt32(7), new XmlRpcDouble(0.1), true, false, new XmlRpcDateTime("20250319T04:16:24Z"), null, "", "a\u0001\tb<&>\"'"],
      "xapi",
    );
    expect(xml).toBe(
      '<?xml version="1.0"?><methodResponse><params><param><value><array><data>' +
        "<value>123</value><value><i4>7</i4></value><value><double>0.1</double></value>" +
        "<value><boolean>1</boolean></value><value><boolean>0</boolean></value>" +
        "<value><dateTime.iso8601>20250319T04:16:24Z</dateTime.iso8601></value><value></value><value></value>" +
        "<value>a\tb&lt;&amp;&gt;&quot;'</value>" +
        "</data></array></value></param></params></methodResponse>",
    );
  });
});

describe("XML-RPC values xapi accepts", () => {
  const decode = (inner: string) =>
    parseMethodResponse(`<?xml version="1.0"?>\n<methodResponse>\n <params>\n  <param>\n   <value>${inner}</value>\n  </param>\n </params>\n</methodResponse>\n`);

  it.each([
    ["untyped text", "plain text", "plain text"],
    ["untyped text keeps its whitespace", "  spaced \n", "  spaced \n"],
    ["empty value", "", ""],
    ["string", "<string> s </string>", " s "],
    ["empty string element", "<string/>", ""],
    ["int", "<int>42</int>", 42],
    ["i4 with whitespace", "\n <i4> -7 </i4>\n", -7],
    ["i8", "<i8>8589934592</i8>", 8589934592],
    ["boolean 1", "<boolean>1</boolean>", true],
    ["boolean true is not 1", "<boolean>true</boolean>", false],
    ["double", "<double>1.5e-05</double>", 1.5e-5],
    ["dateTime", "<dateTime.iso8601>20250319T04:16:24+01:00</dateTime.iso8601>", "20250319T04:16:24+01:00"],
    ["nil", "<nil/>", null],
    ["entities", "a &amp; b &lt; &#65;&#x42;", "a & b < AB"],
    ["CDATA", "<![CDATA[<raw> & ]]>", "<raw> & "],
    ["nested", "<struct><member><name>m</name><value><array><data><value>x</value><value><int>1</int></value></data></array></value></member></struct>", { m: ["x", 1] }],
  ])("%s", (_label, inner, expected) => {
    expect(decode(inner)).toEqual(expected);
  });

  it("decodes <value/> as the empty string", () => {
    expect(parseMethodResponse("<methodResponse><params><param><value/></param></params></methodResponse>")).toBe("");
  });

  it("decodes base64 to a Buffer", () => {
    expect(decode("<base64>aGVs\nbG8=</base64>")).toEqual(Buffer.from("hello"));
  });

  it("round-trips a typed client call through the server-side parser", () => {
    const params: WireValue[] = ["OpaqueRef:abc", 3, 2.5, 2 ** 60, true, null, Buffer.from([0, 255]), [], { k: "v", n: { deep: [false] } }];
    const xml = serializeMethodCall("VM.set_memory_limits", params);
    expect(xml).toContain("<param><value><string>OpaqueRef:abc</string></value></param><param><value><int>3</int></value></param>");
    expect(xml).toContain("<value><double>2.5</double></value>");
    expect(xml).toContain("<value><double>1152921504606847000</double></value>");
    expect(parseMethodCall(xml)).toEqual({ method: "VM.set_memory_limits", params });
  });

  it("parses a call without params", () => {
    expect(parseMethodCall("<methodCall><methodName>system.listMethods</methodName></methodCall>")).toEqual({
      method: "system.listMethods",
      params: [],
    });
  });
});

describe("XML-RPC errors", () => {
  it("turns <fault> into an XmlRpcFault with code and text", () => {
    const xml =
      "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-32601</int></value></member>" +
      "<member><name>faultString</name><value><string>no such method</string></value></member></struct></value></fault></methodResponse>";
    const error = (() => {
      try {
        parseMethodResponse(xml);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(XmlRpcFault);
    expect(error).toMatchObject({ faultCode: -32601, faultString: "no such method" });
  });

  it.each([
    ["unclosed tags", "<methodResponse><params>"],
    ["not XML", "<html><body>500 Internal Error</body>"],
    ["wrong root", "<html><body>oops</body></html>"],
    ["unknown type", "<methodResponse><params><param><value><float>1</float></value></param></params></methodResponse>"],
    ["bad int", "<methodResponse><params><param><value><int>1.5</int></value></param></params></methodResponse>"],
    ["empty body", ""],
    ["a DOCTYPE with entities", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodResponse><params><param><value>&a;</value></param></params></methodResponse>'],
  ])("throws XmlRpcParseError on %s, quoting the document", (_label, xml) => {
    expect(() => parseMethodResponse(xml)).toThrow(XmlRpcParseError);
  });

  it("quotes the start of the document in the parse error", () => {
    expect(() => parseMethodCall("<methodCall><params/></methodCall>")).toThrow(/methodName.*<methodCall><params\/>/);
  });
});

describe("formatDoubleLikeC (%.16g)", () => {
  it.each([
    [0.1, "0.1"],
    [1e20, "1e+20"],
    [1.5e-5, "1.5e-05"],
    [123456789012345678, "1.234567890123457e+17"],
    [1 / 3, "0.3333333333333333"],
    [100, "100"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000"],
    [0.0001, "0.0001"],
    [-2.5, "-2.5"],
    [5e-324, "4.940656458412465e-324"],
    [1.7976931348623157e308, "1.797693134862316e+308"],
    [0.30000000000000004, "0.3"],
    [3.0000000000000004e-5, "3e-05"],
    [0, "0"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
  ])("%d → %s", (value, expected) => {
    expect(formatDoubleLikeC(value)).toBe(expected);
  });
});
