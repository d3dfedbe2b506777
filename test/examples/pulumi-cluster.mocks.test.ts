import { describe, expect, it } from "vitest";
import { installMocks, tokenOf, valueOf } from "./pulumi-mocks";

describe("examples/pulumi-cluster under Pulumi mocks", () => {
  it("declares three workers from the template, one private network attaching all three, and bioxen-seq on each", async () => {
    const registered = installMocks("bioxen-pulumi-cluster", "lab", { template: "bioxen-lua-5.4", rocksServer: "http://10.0.0.5:8080/rocks" });
    const program = await import("../../examples/pulumi-cluster/index");
    const labAddresses = await valueOf(program.labAddresses);
    const workerAddresses = await Promise.all(program.workerAddresses.map(valueOf));

    const byType = (token: string) => registered.filter((r) => r.type === token);
    const workers = byType(tokenOf("XcpngLuaVM"));
    const networks = byType(tokenOf("VmNetwork"));
    const packages = byType(tokenOf("LuaPackage"));
    expect(registered).toHaveLength(7);
    expect(workers.map((w) => w.name)).toEqual(["worker-0", "worker-1", "worker-2"]);
    for (const worker of workers) {
      expect(worker.inputs).toMatchObject({
        template: "bioxen-lua-5.4",
        name: worker.name,
        networks: [{ network: "Pool-wide network associated with eth0" }],
        vcpus: 1,
        memoryMiB: 1024,
        tags: ["bioxen-example", "worker"],
        cloudInit: {},
        __owner: expect.stringContaining(`bioxen-pulumi-cluster/lab/XcpngLuaVM/${worker.name}`),
      });
    }
    expect(networks.map((n) => [n.name, n.inputs.name])).toEqual([["lab", "bioxen-lab"]]);
    expect(networks[0]!.inputs.attach).toEqual([{ vmUuid: "uuid-worker-0" }, { vmUuid: "uuid-worker-1" }, { vmUuid: "uuid-worker-2" }]);
    expect(packages.map((p) => [p.name, p.inputs.name, p.inputs.version, p.inputs.servers])).toEqual(
      [0, 1, 2].map((i) => [`bioxen-seq-${i}`, "bioxen-seq", "1.0-1", ["http://10.0.0.5:8080/rocks"]]),
    );
    expect(packages.map((p) => (p.inputs.target as { host: string }).host)).toEqual(["10.0.0.10", "10.0.0.11", "10.0.0.12"]);
    expect(workerAddresses).toEqual(["10.0.0.10", "10.0.0.11", "10.0.0.12"]);
    expect(labAddresses).toEqual(["192.168.77.1", "192.168.77.2", "192.168.77.3"]);
  });
});
