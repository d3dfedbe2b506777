import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeResult } from "../../sdk/xapi";
import { parseJsonRpcResponse, parseMethodResponse } from "../../sdk/xapi/wire";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/xapi-wire", name), "utf8");

describe("normalizeResult gives both transports the same values", () => {
  it("converts a VM record from XML-RPC to what JSON-RPC gives", () => {
    const fromXml = normalizeResult("VM.get_record", (parseMethodResponse(fixture("vm-get-record.xml")) as { Value: unknown }).Value);
    const json = parseJsonRpcResponse(fixture("vm-get-record.json"));
    if (!json.ok) throw new Error("fixture must be a success");
    const fromJson = normalizeResult("VM.get_record", json.result);
    expect(fromXml).toEqual(fromJson);
    expect(fromXml).toMatchObject({ memory_static_max: 1073741824, VCPUs_max: 2, domid: 7, HVM_shadow_multiplier: 1, uuid: expect.any(String) });
  });

  it("converts every record of get_all_records / get_all_records_where", () => {
    const records = { "OpaqueRef:a": { MTU: "1500", name_label: "1500" }, "OpaqueRef:b": { MTU: 9000 } };
    expect(normalizeResult("network.get_all_records_where", records)).toEqual({
      "OpaqueRef:a": { MTU: 1500, name_label: "1500" },
      "OpaqueRef:b": { MTU: 9000 },
    });
  });

  it("returns JSON-RPC records that need no conversion as they are, and converts XML-RPC text without touching its input", () => {
    const json = parseJsonRpcResponse(fixture("vm-get-record.json"));
    if (!json.ok) throw new Error("fixture must be a success");
    const records = { "OpaqueRef:a": json.result };
    expect(normalizeResult("VM.get_all_records", records)).toBe(records);
    const fromXml = (parseMethodResponse(fixture("vm-get-record.xml")) as { Value: Record<string, unknown> }).Value;
    const before = structuredClone(fromXml);
    const converted = normalizeResult("VM.get_all_records", { "OpaqueRef:a": fromXml }) as Record<string, unknown>;
    expect(converted["OpaqueRef:a"]).toEqual(json.result);
    expect(fromXml).toEqual(before);
    const sets = { "OpaqueRef:b": { VCPUs_params: {}, allowed_operations: [] } };
    expect(normalizeResult("VM.get_all_records", sets)).toBe(sets);
  });

  it("converts get_<field> getters by the field's type only", () => {
    expect(normalizeResult("VM.get_memory_static_max", "2147483648")).toBe(2147483648);
    expect(normalizeResult("VM.get_name_label", "42")).toBe("42");
    expect(normalizeResult("VM_metrics.get_VCPUs_utilisation", { "0": 0.25, "1": "0.5" })).toEqual({ "0": 0.25, "1": 0.5 });
    expect(normalizeResult("PIF.get_VLAN", "-1")).toBe(-1);
  });

  it("converts event.from snapshots by their class and leaves event ids alone", () => {
    const { Value } = parseMethodResponse(fixture("event-from.xml")) as { Value: unknown };
    const batch = normalizeResult("event.from", Value) as { events: Record<string, unknown>[] };
    expect(batch.events[0].id).toBe("1234");
    expect((batch.events[0].snapshot as Record<string, unknown>).progress).toBe(1);
    expect(batch.events[1]).not.toHaveProperty("snapshot");
  });

  it("passes unknown classes, fields, enum values and odd values through", () => {
    const record = { power_state: "Hibernating", brand_new_field: "7", memory_target: "not-a-number" };
    expect(normalizeResult("VM.get_record", record)).toEqual(record);
    expect(normalizeResult("Cluster.get_record", { token_timeout: "20" })).toEqual({ token_timeout: "20" });
    expect(normalizeResult("VM.start", "")).toBe("");
  });
});
