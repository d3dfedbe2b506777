import type { ProviderHost } from "./provider-host";
import { ProviderCallError } from "./provider-errors";
import type { ResourceState } from "./engine-state";
import type { Registration } from "./registrations";
import { markSecrets, propertiesEqual, revealSecrets, splitSecrets, type PropertyMap } from "./property-values";

/** What one declared resource became in this run. */
export interface StepResult {
  /** State to keep for its URN; absent in preview when nothing existed before. */
  state?: ResourceState;
  /** Id returned to the program ("" = unknown, preview). */
  id: string;
  /** Outputs returned to the program (secret envelopes and unknown strings included). */
  outputs: PropertyMap;
  /** The old object a create-before-delete replace left behind, deleted at the end of the run. */
  replaced?: ResourceState;
}

/** Create or update failed after the object existed: `state` is the partial state to keep. */
export class PartialStateError extends Error {
  constructor(
    message: string,
    /** The partial state (id, outputs of the failure, initErrors). */
    readonly state: ResourceState,
    /** The failed provider call. */
    override readonly cause: ProviderCallError,
  ) {
    super(message);
    this.name = "PartialStateError";
  }
}

/**
 * Runs the engine's steps for one declared dynamic resource: Check, then Create (no prior
 * state), or Diff and then nothing, Update, or a replace (create-before-delete unless
 * deleteBeforeReplace). In preview only Check and Diff reach the provider. The dynamic host
 * answers Configure with acceptSecrets=false, so the provider gets plain values and secret-ness
 * is re-applied to the state: an output is secret when its input was, or it is listed in
 * additionalSecretOutputs.
 */
export async function registerStep(host: ProviderHost, reg: Registration, old: ResourceState | undefined, preview: boolean): Promise<StepResult> {
  const { plain: declared, secretKeys } = splitSecrets(reg.inputs);
  const news = old ? keepIgnoredChanges(declared, revealSecrets(old.inputs) as PropertyMap, reg.ignoreChanges) : declared;
  const checked = await host.check(reg.urn, old ? (revealSecrets(old.inputs) as PropertyMap) : {}, news);
  if (checked.failures.length > 0) {
    const reasons = checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    throw new Error(`check of ${reg.urn} failed: ${reasons}; fix the program's inputs`);
  }
  const outputSecretKeys = [...secretKeys, ...reg.additionalSecretOutputs];
  const newState = (id: string, outputs: PropertyMap, initErrors?: string[]): ResourceState => ({
    urn: reg.urn,
    type: reg.type,
    id,
    inputs: markSecrets(checked.inputs, secretKeys),
    outputs: markSecrets(outputs, outputSecretKeys),
    dependencies: reg.dependencies,
    additionalSecretOutputs: reg.additionalSecretOutputs,
    ...(initErrors ? { initErrors } : {}),
  });
  const planned = (id: string): StepResult => ({ id, outputs: markSecrets(checked.inputs, outputSecretKeys), ...(old ? { state: old } : {}) });

  if (!old) {
    if (preview) return planned("");
    const created = await withPartialState(reg.urn, "create", newState, () => host.create(reg.urn, checked.inputs));
    return done(newState(created.id, created.properties));
  }
  const oldOutputs = revealSecrets(old.outputs) as PropertyMap;
  const oldInputs = revealSecrets(old.inputs) as PropertyMap;
  const diff = await host.diff(old.id, reg.urn, oldOutputs, checked.inputs, { oldInputs, ignoreChanges: reg.ignoreChanges });
  const changed = diff.changes === "unknown" ? !propertiesEqual(oldInputs, checked.inputs) : diff.changes === "some";
  if (diff.replaces.length > 0) {
    if (preview) return planned("");
    if (reg.deleteBeforeReplace || diff.deleteBeforeReplace) {
      await host.delete(old.id, old.urn, oldOutputs, { oldInputs });
      const created = await withPartialState(reg.urn, "create", newState, () => host.create(reg.urn, checked.inputs));
      return done(newState(created.id, created.properties));
    }
    const created = await withPartialState(reg.urn, "create", newState, () => host.create(reg.urn, checked.inputs));
    return { ...done(newState(created.id, created.properties)), replaced: old };
  }
  // A resource left half-initialised is always updated, so the provider can repair it.
  if (changed || (old.initErrors?.length ?? 0) > 0) {
    if (preview) return planned(old.id);
    const outputs = await withPartialState(reg.urn, "update", newState, () =>
      host.update(old.id, reg.urn, oldOutputs, checked.inputs, { oldInputs }),
    );
    return done(newState(old.id, outputs));
  }
  return done({ ...newState(old.id, {}), outputs: markSecrets(old.outputs, outputSecretKeys) });
}

function done(state: ResourceState): StepResult {
  return { state, id: state.id, outputs: state.outputs };
}

/** ignoreChanges: the listed top-level inputs keep their old values. */
function keepIgnoredChanges(news: PropertyMap, oldInputs: PropertyMap, ignoreChanges: string[]): PropertyMap {
  const result = { ...news };
  for (const key of ignoreChanges) {
    if (key in oldInputs) result[key] = oldInputs[key]!;
    else delete result[key];
  }
  return result;
}

/** Runs a create/update; an error with an init-failure detail becomes a PartialStateError. */
async function withPartialState<T>(
  urn: string,
  step: string,
  newState: (id: string, outputs: PropertyMap, initErrors?: string[]) => ResourceState,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof ProviderCallError) || !err.initFailure) throw err;
    const { id, properties, reasons } = err.initFailure;
    const partial = newState(id, properties, reasons.length > 0 ? reasons : [err.details]);
    throw new PartialStateError(`${step} of ${urn} left object ${id} half-initialised: ${err.details}`, partial, err);
  }
}
