/**
 * Pulumi engine harness: drives the REAL `@pulumi/pulumi/cmd/dynamic-provider` host over gRPC,
 * as the Pulumi engine does, because the CLI cannot be installed here.
 *
 * Low level — `ProviderHost` (provider-host.ts):
 *   const host = await ProviderHost.start({ cwd, env?, nodeArgs?, callTimeoutMs?, signal? });
 *   await host.getPluginInfo();                       // { version }
 *   await host.configure({ "proj:key": "v" }, ["proj:key"]);  // args Struct, secrets enveloped
 *   await host.check(urn, olds, news);                // { inputs, failures }
 *   await host.diff(id, urn, oldOutputs, news, { oldInputs?, ignoreChanges? });
 *                                                     // { changes: "none"|"some"|"unknown", replaces, deleteBeforeReplace }
 *   await host.create(urn, inputs);                   // { id, properties }
 *   await host.read(id, urn, outputs, inputs?);       // { id ("" = gone), properties, inputs? }
 *   await host.update(id, urn, oldOutputs, news, { oldInputs? });  // new outputs
 *   await host.delete(id, urn, outputs, { oldInputs? });
 *   host.calls / host.logs; await host.stop();        // SIGINT, then SIGKILL after 1 s
 * Values are JSON with `secret(v)` envelopes and the `UNKNOWN` string (property-values.ts).
 * Failures reject with `ProviderCallError` { method, urn, code, details, initFailure? }, where
 * initFailure = { id, properties, reasons } decodes pulumirpc.ErrorResourceInitFailed.
 *
 * High level — `Engine` (engine.ts):
 *   const engine = new Engine({ project, stack, config, secretConfigKeys, programDir, host, signal });
 *   await engine.up(() => { new MyDynamicResource(...); });   // Check → Create | Diff → – | Update | replace
 *   await engine.up(() => { new R("r", args, { import: "<id>" }); });  // import: Read(id, nothing but
 *                                    // __provider) → Check → Diff must be "none" (import-step.ts)
 *   await engine.preview(program);   // dry run: only Check/Diff; unknowns reach the provider as UNKNOWN
 *   await engine.refresh();          // Read each resource
 *   await engine.destroy();          // Delete all, dependents first
 *   engine.state / engine.serializedState() / engine.log / engine.callsOf([...]) / engine.hostLogs
 * Each operation returns { operation, calls, resources } and starts a fresh host (GetPluginInfo,
 * Configure once with the whole stack config). A failed operation rejects with
 * EngineOperationError; the state keeps partial resources (initErrors).
 *
 * Shutdown: a host never exits by itself. `host.stop()` (and every Engine operation, when it
 * ends) stops it as the engine stops a plugin: SIGINT so the provider can clean up (log XAPI
 * sessions out), SIGKILL after 1 s. Call `stop()` in afterAll/afterEach for hosts you start. If
 * the test process dies mid-operation (a killed vitest worker), each host's orphan guard sees
 * its stdin pipe close and exits, so no host outlives its parent (host-process.ts).
 *
 * Provider pattern the host can load (see test/fixtures/engine/file-resource.ts): the provider
 * object's methods capture only a module specifier string and `require()` the implementation
 * inside each call; `createProgramDir` makes a program folder whose node_modules links packages.
 */
export { Engine, EngineOperationError } from "./engine";
export type { EngineOptions, LoggedCall, Operation, OperationResult, Program } from "./engine";
export { SECRET_CIPHERTEXT_PLACEHOLDER, deletionOrder, serializeState } from "./engine-state";
export type { ResourceState } from "./engine-state";
export type { HostLogLine } from "./host-process";
export { createProgramDir } from "./program-dir";
export type { ProgramDir } from "./program-dir";
export { ProviderCallError } from "./provider-errors";
export type { ResourceInitFailure } from "./provider-errors";
export { ProviderHost } from "./provider-host";
export type { ProviderHostOptions } from "./provider-host";
export type { CheckResult, ConfigureResult, CreateResult, DiffResult, ProviderCall, ReadResult } from "./provider-results";
export { SECRET_SIG, SIG_KEY, UNKNOWN, containsSecret, isSecret, revealSecrets, secret } from "./property-values";
export type { PropertyMap, PropertyValue } from "./property-values";
