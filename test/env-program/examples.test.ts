import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runEnvironmentProgram } from "../../provider/environment";
import { isSecret, revealSecrets, type PropertyValue } from "../support/engine";
import { EXAMPLE_FILES, LAB_GRAPH, LOCAL_DEV_GRAPH, SMALL_CLUSTER_GRAPH, SMALL_CLUSTER_POOL } from "../env/example-expectations";
import { graphOf, named, runUnderMocks, type Declared } from "./mocks";

const ROOT = resolve(__dirname, "../..");
const POOL_PASSWORD = "pool-password-in-config-3e1";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nmock-key-a91f\n-----END OPENSSH PRIVATE KEY-----\n";
const CONFIG = { "bioxen:poolPassword": POOL_PASSWORD, "bioxen:sshPrivateKey": SSH_KEY };
const CI_ENV = { POOL_USERNAME: "ci-user", POOL_PASSWORD: "pool-password-in-env-77c", SSH_PRIVATE_KEY: SSH_KEY };

/** The environment program on `file` (relative to the repository root, as stack config names it). */
function deploy(file: string) {
  return runUnderMocks(() => runEnvironmentProgram({ projectDir: ROOT, env: CI_ENV }), { "bioxen:environment": file, ...CONFIG }, ["bioxen:poolPassword", "bioxen:sshPrivateKey"]);
}

const plain = (d: Declared, key: string) => revealSecrets(d.inputs[key] as PropertyValue) as Record<string, any>;

describe("the environment program on every example file", () => {
  it.each(EXAMPLE_FILES)("%s validates and declares one resource per planned entry, named by the file's keys", async (file) => {
    const { result, declared } = await deploy(file);
    expect(declared.length).toBeGreaterThan(0);
    expect(graphOf(declared).map(([, name]) => name)).toEqual(result.resources);
    expect(new Set(declared.map((d) => d.name)).size).toBe(declared.length);
    for (const d of declared) expect(d.name).toMatch(/^(net|local|vm|pkg):/);
  });

  it("local-dev: two LocalLua installations (trees under the project folder) and their packages", async () => {
    const { declared, result } = await deploy("examples/environments/local-dev.yaml");
    expect(graphOf(declared)).toEqual(LOCAL_DEV_GRAPH);
    expect(named(declared, "local:dev").inputs).toMatchObject({ interpreter: "lua5.4", tree: join(ROOT, "lua_modules"), projectDir: ROOT });
    expect(named(declared, "local:compat").inputs).toMatchObject({ interpreter: "lua5.1", tree: join(ROOT, "lua_modules_51"), projectDir: ROOT });
    const cjson = named(declared, "pkg:local:dev/lua-cjson");
    expect(cjson.inputs).toMatchObject({ name: "lua-cjson", constraint: ">= 2.1, < 3" });
    expect(cjson.inputs.version).toBeUndefined();
    expect(plain(cjson, "target")).toEqual({ kind: "local", tree: "/project/local:dev", luaVersion: "5.4" });
    expect(named(declared, "pkg:local:dev/lpeg").inputs).toMatchObject({ name: "lpeg", version: "1.1.0-2" });
    expect(result.environment).toBe("examples/environments/local-dev.yaml");
    expect(Object.keys(result.localPaths)).toEqual(["local:compat", "local:dev"]);
  });

  it("small-cluster: networks, a head and three workers attached through their own networks input, packages on each", async () => {
    const { declared } = await deploy("examples/environments/small-cluster.yaml");
    expect(graphOf(declared)).toEqual(SMALL_CLUSTER_GRAPH);
    const connection = { ...SMALL_CLUSTER_POOL, password: POOL_PASSWORD };
    const storage = named(declared, "net:storage");
    expect(storage.inputs).toMatchObject({ name: "storage", vlan: { pifDevice: "eth1", tag: 42 } });
    expect(plain(storage, "connection")).toEqual(connection);
    expect(named(declared, "net:backend").inputs).toMatchObject({ name: "backend", mtu: 9000, description: "bioxen cluster backend" });
    expect(named(declared, "net:backend").inputs.attach).toBeUndefined();

    const worker = named(declared, "vm:worker-1");
    expect(worker.inputs).toMatchObject({
      template: "7d4e1c2a-93b5-4f06-8a1d-2c5e9b3f7a10",
      name: "worker-1",
      vcpus: 4,
      memoryMiB: 4096,
      luaInterpreter: "lua5.4",
      tags: ["bioxen", "worker"],
      cloudInit: { writeFiles: [{ path: "/etc/motd", content: "bioxen analysis worker\n" }] },
      networks: [
        { network: "Pool-wide network associated with eth0" },
        { network: "uuid-net:backend", expectedCidr: "10.77.0.0/24" },
        { network: "uuid-net:storage" },
      ],
    });
    expect(isSecret(worker.inputs.connection)).toBe(true);
    expect(isSecret(worker.inputs.ssh)).toBe(true);
    expect(plain(worker, "connection")).toEqual(connection);
    expect(plain(worker, "ssh")).toEqual({ user: "lua", privateKey: SSH_KEY, port: 22 });
    expect(named(declared, "vm:head").inputs).toMatchObject({ diskGiB: 20, vcpus: 2, tags: ["bioxen", "head"] });

    const lpeg = named(declared, "pkg:worker-2/lpeg");
    expect(lpeg.inputs).toMatchObject({ name: "lpeg", constraint: "~> 1.1" });
    expect(plain(lpeg, "target")).toMatchObject({ kind: "ssh", hostKeyFingerprint: "SHA256:vm:worker-2" });
    expect(named(declared, "pkg:head/luasocket").inputs).toMatchObject({ name: "luasocket", version: "3.1.0-1" });
  });

  it("gitops lab: credentials from environment variables (secrets stay secret), the CA file relative to the environment file", async () => {
    const { declared } = await deploy("examples/gitops/environments/lab.yaml");
    expect(graphOf(declared)).toEqual(LAB_GRAPH);
    const vm = named(declared, "vm:analysis-0");
    expect(plain(vm, "connection")).toEqual({ url: "https://xcp-lab.example.org", username: "ci-user", password: CI_ENV.POOL_PASSWORD, caFile: join(ROOT, "examples/gitops/certs/lab-ca.pem") });
    expect(plain(vm, "ssh")).toEqual({ user: "lua", privateKey: SSH_KEY });
    expect(vm.inputs).toMatchObject({ name: "analysis-0", vcpus: 2, memoryMiB: 2048, tags: ["bioxen", "gitops"], networks: [{ network: "Pool-wide network associated with eth0" }] });
    expect(vm.inputs.luaInterpreter).toBeUndefined();
  });
});
