import { describe, expect, it } from "vitest";
import { planMemoryLimits, planVcpuSteps } from "../../sdk/xapi/recipes";

describe("planVcpuSteps", () => {
  it("raises max before at_startup when growing", () => {
    expect(planVcpuSteps({ max: 2, atStartup: 2 }, 4)).toEqual([
      { method: "VM.set_VCPUs_max", value: 4 },
      { method: "VM.set_VCPUs_at_startup", value: 4 },
    ]);
  });

  it("lowers at_startup before max when shrinking", () => {
    expect(planVcpuSteps({ max: 4, atStartup: 4 }, 1)).toEqual([
      { method: "VM.set_VCPUs_at_startup", value: 1 },
      { method: "VM.set_VCPUs_max", value: 1 },
    ]);
  });

  it("skips calls that change nothing", () => {
    expect(planVcpuSteps({ max: 4, atStartup: 1 }, 4)).toEqual([{ method: "VM.set_VCPUs_at_startup", value: 4 }]);
    expect(planVcpuSteps({ max: 2, atStartup: 2 }, 2)).toEqual([]);
  });
});

describe("planMemoryLimits", () => {
  const MiB = 1024 * 1024;
  it("fixes the size and keeps the template's static_min", () => {
    expect(planMemoryLimits(256 * MiB, 1024 * MiB)).toEqual({
      staticMin: 256 * MiB,
      staticMax: 1024 * MiB,
      dynamicMin: 1024 * MiB,
      dynamicMax: 1024 * MiB,
    });
  });

  it("lowers static_min when it exceeds the new size", () => {
    expect(planMemoryLimits(2048 * MiB, 512 * MiB).staticMin).toBe(512 * MiB);
  });

  it("uses the size as static_min when the current one is unknown", () => {
    expect(planMemoryLimits(Number.NaN, 512 * MiB).staticMin).toBe(512 * MiB);
  });
});
