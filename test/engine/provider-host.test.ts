import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderCallError, ProviderHost, UNKNOWN } from "../support/engine";
import { toStruct } from "../support/engine/struct-codec";
import { providerByAbsolutePath } from "../fixtures/engine/file-resource";

const URN = "urn:pulumi:stack::engine-fixture::pulumi-nodejs:dynamic/engine-fixture:File::direct";

let host: ProviderHost;
let dir: string;
let providerText: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-host-"));
  providerText = (await pulumi.runtime.serializeFunction(() => providerByAbsolutePath)).text;
  host = await ProviderHost.start();
});

afterAll(async () => {
  await host?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("ProviderHost", () => {
  it("reports the installed @pulumi/pulumi version and answers Configure without accepting secrets", async () => {
    const { version } = await host.getPluginInfo();
    expect(version).toBe(require("@pulumi/pulumi/package.json").version);
    const configured = await host.configure({ "engine-fixture:label": "direct", "engine-fixture:apiKey": "k" }, ["engine-fixture:apiKey"]);
    expect(configured.acceptSecrets).toBe(false);
  });

  it("runs check, create, read and delete, and passes unknowns through check", async () => {
    const inputs = { __provider: providerText, dir, name: "direct.txt", content: "hello" };
    const checked = await host.check(URN, {}, { ...inputs, content: UNKNOWN });
    expect(checked.inputs.content).toBe(UNKNOWN);
    expect(checked.failures).toEqual([]);
    const created = await host.create(URN, inputs);
    expect(created.id).toBe(path.join(dir, "direct.txt"));
    expect(created.properties).toMatchObject({ content: "hello", label: "direct", apiKeyLength: 1, __provider: providerText });
    const read = await host.read(created.id, URN, created.properties);
    expect(read.inputs).toEqual({ dir, name: "direct.txt", content: "hello", __provider: providerText });
    await host.delete(created.id, URN, created.properties);
    expect(fs.existsSync(created.id)).toBe(false);
    expect(await host.read(created.id, URN, created.properties)).toMatchObject({ id: "" });
  });

  it("reports check failures", async () => {
    const checked = await host.check(URN, {}, { __provider: providerText, dir, name: "../escape", content: "x" });
    expect(checked.failures).toEqual([{ property: "name", reason: 'name must be a plain file name, got "../escape"' }]);
  });

  it("decodes the ErrorResourceInitFailed detail of a create that failed after the object existed", async () => {
    const inputs = { __provider: providerText, dir, name: "broken.txt", content: "x", failOnCreate: true };
    const failure = await host.create(URN, inputs).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ProviderCallError);
    const { initFailure, method, urn } = failure as ProviderCallError;
    expect({ method, urn }).toEqual({ method: "create", urn: URN });
    expect(initFailure?.id).toBe(path.join(dir, "broken.txt"));
    expect(initFailure?.reasons).toEqual(["simulated initialisation failure"]);
    expect(initFailure?.properties.initialised).toBe(false);
    await host.delete(initFailure!.id, URN, initFailure!.properties);
    expect(fs.existsSync(initFailure!.id)).toBe(false);
  });

  it("surfaces a provider error without an id as a plain ProviderCallError", async () => {
    const failure = await host.create(URN, { __provider: providerText, dir: path.join(dir, "missing"), name: "x.txt", content: "x" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderCallError);
    expect((failure as ProviderCallError).initFailure).toBeUndefined();
    expect((failure as ProviderCallError).details).toMatch(/ENOENT/);
  });

  it("refuses values a Struct cannot carry, naming the property", () => {
    expect(() => toStruct({ nested: { when: new Date(0) as never } })).toThrow(/property nested\.when is not JSON/);
  });
});
