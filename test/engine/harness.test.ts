import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, EngineOperationError, createProgramDir, isSecret, type OperationResult } from "../support/engine";
import {
  File,
  fileProviderImplPath,
  fileProviderPackage,
  fileProviderPackageDir,
  providerByPackage,
} from "../fixtures/engine/file-resource";
import { providerHostPids } from "../attack/support/host-kill";

const TOKEN = "s3cret-token-value-7f1c";
const API_KEY = "api-key-secret-value-91ab";
const MUTATING = ["create", "update", "delete"];

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-harness-"));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

function newDir(name: string): string {
  const dir = path.join(workDir, name);
  fs.mkdirSync(dir);
  return dir;
}

function newEngine(programDir?: string): Engine {
  return new Engine({
    project: "engine-fixture",
    config: { label: "from-stack-config", apiKey: API_KEY },
    secretConfigKeys: ["apiKey"],
    ...(programDir ? { programDir } : {}),
  });
}

function mutations(result: OperationResult): string[] {
  return result.calls.filter((c) => MUTATING.includes(c.method)).map((c) => c.method);
}

describe("engine harness driving the real dynamic-provider host", () => {
  it("runs up, a no-op up, an update, a replace, a refresh and a destroy", async () => {
    const dir = newDir("lifecycle");
    const engine = newEngine();
    const program = (name: string, content: string) => () => {
      new File("doc", { dir, name, content, token: pulumi.secret(TOKEN) });
    };

    const first = await engine.up(program("a.txt", "one"));
    expect(first.calls.map((c) => c.method)).toEqual(["getPluginInfo", "configure", "check", "create"]);
    expect(fs.readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("one");
    expect(engine.state.map((r) => r.id)).toEqual([path.join(dir, "a.txt")]);

    const again = await engine.up(program("a.txt", "one"));
    expect(again.calls.map((c) => c.method)).toEqual(["getPluginInfo", "configure", "check", "diff"]);

    const changed = await engine.up(program("a.txt", "two"));
    expect(mutations(changed)).toEqual(["update"]);
    expect(fs.readFileSync(path.join(dir, "a.txt"), "utf8")).toBe("two");

    const replaced = await engine.up(program("b.txt", "two"));
    expect(mutations(replaced)).toEqual(["create", "delete"]);
    expect(fs.existsSync(path.join(dir, "a.txt"))).toBe(false);
    expect(engine.state.map((r) => r.id)).toEqual([path.join(dir, "b.txt")]);

    fs.writeFileSync(path.join(dir, "b.txt"), "edited outside");
    const refreshed = await engine.refresh();
    expect(refreshed.calls.map((c) => c.method)).toEqual(["getPluginInfo", "configure", "read"]);
    expect(engine.state[0]!.outputs.content).toBe("edited outside");
    expect(engine.state[0]!.inputs.content).toBe("edited outside");

    await engine.destroy();
    expect(fs.existsSync(path.join(dir, "b.txt"))).toBe(false);
    expect(engine.state).toEqual([]);
    expect(engine.callsOf(["delete"]).map((c) => c.operation)).toEqual(["up", "destroy"]);
  });

  it("deletes before creating when the resource asks for deleteBeforeReplace", async () => {
    const dir = newDir("delete-before-replace");
    const engine = newEngine();
    await engine.up(() => void new File("doc", { dir, name: "a.txt", content: "x" }));
    const replaced = await engine.up(() => void new File("doc", { dir, name: "b.txt", content: "x" }, { deleteBeforeReplace: true }));
    expect(mutations(replaced)).toEqual(["delete", "create"]);
    await engine.destroy();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("deletes resources the program no longer declares, dependents first", async () => {
    const dir = newDir("undeclared");
    const engine = newEngine();
    await engine.up(() => {
      const base = new File("base", { dir, name: "base.txt", content: "b" });
      new File("top", { dir, name: "top.txt", content: base.path }, { dependsOn: [base] });
    });
    const result = await engine.up(() => undefined);
    expect(result.calls.filter((c) => c.method === "delete").map((c) => c.urn.split("::").pop())).toEqual(["top", "base"]);
    expect(engine.state).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("keeps secrets out of the serialized state and the host logs, and marks secret outputs", async () => {
    const dir = newDir("secrets");
    const engine = newEngine();
    let tokenHashIsSecret: Promise<boolean> | undefined;
    await engine.up(() => {
      const file = new File("doc", { dir, name: "s.txt", content: "visible", token: pulumi.secret(TOKEN) });
      tokenHashIsSecret = pulumi.isSecret(file.tokenHash);
    });
    const [res] = engine.state;
    expect(isSecret(res!.inputs.token)).toBe(true);
    expect(isSecret(res!.outputs.token)).toBe(true);
    expect(isSecret(res!.outputs.tokenHash)).toBe(true);
    expect(res!.outputs.content).toBe("visible");
    expect(await tokenHashIsSecret).toBe(true);
    const serialized = engine.serializedState();
    const tokenHash = (res!.outputs.tokenHash as { value: string }).value;
    for (const plaintext of [TOKEN, API_KEY, tokenHash]) {
      expect(serialized).not.toContain(plaintext);
      expect(engine.hostLogs.map((l) => l.line).join("\n")).not.toContain(plaintext);
    }
    expect(serialized).toContain("visible");
    await engine.destroy();
  });

  it("calls Configure once per host with the whole stack config, secrets unwrapped", async () => {
    const dir = newDir("configure");
    const engine = newEngine();
    const result = await engine.up(() => {
      new File("one", { dir, name: "1.txt", content: "1" });
      new File("two", { dir, name: "2.txt", content: "2" });
    });
    expect(result.calls.filter((c) => c.method === "configure")).toHaveLength(1);
    for (const res of engine.state) {
      expect(res.outputs.label).toBe("from-stack-config");
      expect(res.outputs.apiKeyLength).toBe(API_KEY.length);
    }
    await engine.destroy();
  });

  it("stores __provider as real module text that requires the implementation", async () => {
    const dir = newDir("provider-text");
    const engine = newEngine();
    await engine.up(() => void new File("doc", { dir, name: "p.txt", content: "p", token: pulumi.secret(TOKEN) }));
    const text = engine.state[0]!.inputs.__provider;
    expect(typeof text).toBe("string");
    expect(text).toContain("exports.handler");
    expect(text).toContain(JSON.stringify(fileProviderImplPath));
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
      expect(text).toContain(`require(implementation).${method}(`);
    }
    expect(text).not.toContain(TOKEN);
    expect(engine.state[0]!.outputs.__provider).toBe(text);
    await engine.destroy();
  });

  it("previews with Check and Diff only, handing unknown inputs to the provider as the unknown string", async () => {
    const dir = newDir("preview");
    const engine = newEngine();
    await engine.up(() => void new File("doc", { dir, name: "d.txt", content: "known" }));
    const before = engine.serializedState();
    const result = await engine.preview(() => {
      const source = new File("source", { dir, name: "s.txt", content: "new" });
      new File("doc", { dir, name: "d.txt", content: source.path });
    });
    expect([...new Set(result.calls.map((c) => c.method))]).toEqual(["getPluginInfo", "configure", "check", "diff"]);
    const lines = engine.hostLogs.map((l) => l.line);
    expect(lines).toContain("check d.txt unknown inputs: [content]");
    expect(lines).toContain(`diff ${path.join(dir, "d.txt")} unknown inputs: [content]`);
    expect(engine.serializedState()).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(["d.txt"]);
    await engine.destroy();
  });

  it("keeps the partial state of a create that failed after the object existed, then repairs it", async () => {
    const dir = newDir("partial");
    const engine = newEngine();
    const failing = engine.up(() => void new File("doc", { dir, name: "f.txt", content: "v1", failOnCreate: true }));
    await expect(failing).rejects.toBeInstanceOf(EngineOperationError);
    await expect(failing).rejects.toThrow(/half-initialised/);
    expect(engine.state).toHaveLength(1);
    expect(engine.state[0]!.id).toBe(path.join(dir, "f.txt"));
    expect(engine.state[0]!.initErrors).toEqual(["simulated initialisation failure"]);
    expect(engine.state[0]!.outputs.initialised).toBe(false);

    const repaired = await engine.up(() => void new File("doc", { dir, name: "f.txt", content: "v1" }));
    expect(mutations(repaired)).toEqual(["update"]);
    expect(engine.state[0]!.initErrors).toBeUndefined();
    await engine.destroy();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("fails an up whose provider host dies mid-create (UNAVAILABLE), though a resource waits for the dead one's output", async () => {
    const dir = newDir("host-dies");
    const engine = newEngine();
    const dying = engine.up(() => {
      const first = new File("first", { dir, name: "a.txt", content: "v1", dieOnCreate: true });
      new File("second", { dir, name: "b.txt", content: first.path });
    });
    await expect(dying).rejects.toBeInstanceOf(EngineOperationError);
    await expect(dying).rejects.toThrow(/provider create of \S+::first failed \(gRPC code 14\)/);
    expect(engine.state).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(["a.txt"]);
  });

  it("ends an aborted up whose provider create and program both hang, and stops its provider host", async () => {
    const dir = newDir("aborted");
    const controller = new AbortController();
    const engine = new Engine({ project: "engine-fixture", signal: controller.signal });
    const up = engine.up(async () => {
      new File("stuck", { dir, name: "a.txt", content: "v1", hangOnCreate: true });
      await new Promise(() => {}); // a program that never returns either
    });
    // The create reached the host once its file exists.
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(path.join(dir, "a.txt")) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error("case limit reached"));
    await expect(up).rejects.toThrow(/program aborted while it ran or its registrations were pending \(case limit reached\)/);
    expect(providerHostPids()).toEqual([]);
    expect(engine.state).toEqual([]);
    await expect(engine.destroy()).rejects.toThrow("case limit reached");
  });

  it("loads a provider implementation by package subpath from the program folder's node_modules", async () => {
    const dir = newDir("package");
    const program = createProgramDir({ [fileProviderPackage]: fileProviderPackageDir });
    try {
      const engine = newEngine(program.dir);
      await engine.up(() => void new File("doc", { dir, name: "pkg.txt", content: "via exports" }, {}, providerByPackage));
      expect(fs.readFileSync(path.join(dir, "pkg.txt"), "utf8")).toBe("via exports");
      expect(engine.state[0]!.inputs.__provider).toContain(`require(implementation)`);
      expect(engine.state[0]!.inputs.__provider).toContain(`"${fileProviderPackage}/impl"`);
      await engine.destroy();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      program.remove();
    }
  });

  it("does not resolve a package's self-reference inside the host (its cwd's own exports map)", async () => {
    const dir = newDir("self-reference");
    const engine = newEngine(fileProviderPackageDir);
    const failing = engine.up(() => void new File("doc", { dir, name: "self.txt", content: "x" }, {}, providerByPackage));
    await expect(failing).rejects.toThrow(`Cannot find module '${fileProviderPackage}/impl'`);
    expect(engine.state).toEqual([]);
  });
});
