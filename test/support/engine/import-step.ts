import type { ResourceState } from "./engine-state";
import type { ProviderHost } from "./provider-host";
import type { Registration } from "./registrations";
import { markSecrets, splitSecrets, type PropertyMap } from "./property-values";
import type { StepResult } from "./register-step";

/**
 * The engine's ImportStep for a resource declared with the `import` option (what
 * `pulumi import` and `import: id` do; pulumi/pkg/resource/deploy/step.go): Read with the import
 * id and no state, then Check the program's inputs against the inputs read, then Diff the outputs
 * read against the checked inputs — any change fails the import ("inputs to import do not match
 * the existing resource"); otherwise the object enters the state as read, with the checked inputs.
 *
 * The one departure: the engine's Read carries no properties at all, and the stock dynamic-provider
 * host finds the provider's code only in the `__provider` property, so with nothing it fails
 * before any provider code runs. This step sends `__provider` alone — the least the host needs —
 * so that everything the provider does is tested as given only an id.
 */
export async function importStep(host: ProviderHost, reg: Registration, preview: boolean): Promise<StepResult> {
  const { plain: declared, secretKeys } = splitSecrets(reg.inputs);
  const read = await host.read(reg.importId, reg.urn, { __provider: declared.__provider! });
  if (!read.id && Object.keys(read.properties).length === 0) throw new Error(`import of ${reg.urn}: resource '${reg.importId}' does not exist`);
  if (!read.inputs) throw new Error(`import of ${reg.urn}: provider does not support importing resources (read returned no inputs)`);
  const id = read.id || reg.importId;
  const checked = await host.check(reg.urn, read.inputs, declared);
  if (checked.failures.length > 0) throw new Error(`import of ${reg.urn}: check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  const diff = await host.diff(id, reg.urn, read.properties, checked.inputs, { oldInputs: read.inputs });
  if (diff.changes !== "none") {
    const message = `import of ${reg.urn}: inputs to import do not match the existing resource (changes: ${diff.changes}, replaces: [${diff.replaces.join(", ")}])`;
    if (!preview) throw new Error(message);
  }
  const outputSecretKeys = [...secretKeys, ...reg.additionalSecretOutputs];
  const state: ResourceState = {
    urn: reg.urn,
    type: reg.type,
    id,
    inputs: markSecrets(checked.inputs, secretKeys),
    outputs: markSecrets(read.properties as PropertyMap, outputSecretKeys),
    dependencies: reg.dependencies,
    additionalSecretOutputs: reg.additionalSecretOutputs,
  };
  return preview ? { id, outputs: state.outputs } : { state, id, outputs: state.outputs };
}
