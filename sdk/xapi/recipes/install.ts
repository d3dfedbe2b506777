/** The clone → provision sequence, rolled back as a whole when provisioning fails. */
import type { RecipeClient } from "./client";
import { cloneFromTemplate, type CloneOptions } from "./clone";
import { destroyNewVm } from "./destroy-vm";
import { XapiRecipeError } from "./errors";
import { provisionVm } from "./provision";

/** Options for {@link installVm}. */
export interface InstallVmOptions extends CloneOptions {
  /** SR for the provisioned disks (copy mode: also the SR the copy lands on). */
  sr?: string;
}

/**
 * Clones (or copies) `template` and provisions the result, like `xe vm-install`. If provisioning
 * fails, the new VM and its disks are destroyed and the error (saying so) is thrown, so no
 * orphan is left. Returns the halted VM's ref.
 */
export async function installVm(client: RecipeClient, template: string, options: InstallVmOptions): Promise<string> {
  const vm = await cloneFromTemplate(client, template, options.mode === "clone" ? { ...options, sr: undefined } : options);
  try {
    await provisionVm(client, vm, { sr: options.sr, deadline: options.deadline, signal: options.signal });
    return vm;
  } catch (error) {
    const cleanup = await destroyNewVm(client, vm).then(
      () => "the new VM was destroyed again",
      (cleanupError: unknown) => `and destroying the new VM ${vm} failed too (${String(cleanupError)}): remove it by hand`,
    );
    throw new XapiRecipeError({ step: "install VM", object: `"${options.name}"`, hint: cleanup }, "provisioning failed", error);
  }
}
