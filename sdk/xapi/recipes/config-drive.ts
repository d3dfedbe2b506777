/**
 * Attaching a config drive image to a halted VM, as Xen Orchestra does: `VDI.create` on the SR
 * (marked as ours), `task.create`, `PUT /import_raw_vdi?vdi=…&format=raw&task_id=…` over the
 * client's connection settings, the task awaited through `event.from`, then a non-bootable Disk
 * VBD on a free userdevice. A failure at any step removes what this attempt made.
 */
import type { XapiClient } from "../client";
import type { UploadProgress } from "../http-put";
import { Deadline, type DeadlineOptions, type WaitOptions } from "../../base/deadline";
import type { RecipeClient } from "./client";
import { XapiRecipeError, unlessGone, withContext } from "./errors";
import { ownedOtherConfig, ownerTag, selfMarkerKey, type Claim } from "./ownership";

/** What the recipe needs beyond RPC calls: the HTTP upload and the task wait of an `XapiClient`. */
export type UploadClient = RecipeClient & Pick<XapiClient, "putToHandler" | "waitForTask">;

/** Options for {@link attachConfigDrive}. */
export interface AttachConfigDriveOptions extends DeadlineOptions {
  /** The raw image (its length is the VDI's size). */
  image: Buffer;
  /** The SR the VDI is made on (ref). */
  sr: string;
  /** Whose the VDI is: its ownership marker. */
  owner: Claim;
  /** The VDI's name (default `cidata`). */
  name?: string;
  /** Upload progress reports. */
  onProgress?: UploadProgress;
}

/** What {@link attachConfigDrive} made. */
export interface ConfigDriveAttachment {
  vdi: string;
  vdiUuid: string;
  vbd: string;
}

/** One step of a rollback: what it removes, and how. */
type Undo = { what: string; run: () => Promise<void> };

/** Default deadline of the whole attach (the upload of a few MiB takes seconds). */
const DEFAULT_DEADLINE_MS = 300_000;

/**
 * Uploads `image` into a new VDI of ours and attaches it to `vm` (halted) as a non-bootable,
 * read-only Disk. Nothing of this attempt is left behind when it fails.
 * @throws XapiRecipeError naming the step (VDI.create, upload, VBD.create, …), with what was removed
 */
export async function attachConfigDrive(client: UploadClient, vm: string, options: AttachConfigDriveOptions): Promise<ConfigDriveAttachment> {
  const deadline = Deadline.from(options.deadline ?? DEFAULT_DEADLINE_MS, "config drive deadline");
  const wait = { deadline, signal: options.signal };
  const undo: Undo[] = [];
  try {
    const vdi = await createDriveVdi(client, options);
    undo.push({ what: `VDI ${vdi}`, run: () => unlessGone(client.call("VDI.destroy", vdi)) });
    const vdiUuid = String(await client.call("VDI.get_uuid", vdi));
    await client.call("VDI.add_to_other_config", vdi, selfMarkerKey, vdiUuid);
    await upload(client, vdi, options, wait, undo);
    const vbd = await createDriveVbd(client, vm, vdi);
    return { vdi, vdiUuid, vbd };
  } catch (error) {
    const hint = await rollBack(undo);
    const inner = error instanceof XapiRecipeError ? error : undefined;
    throw new XapiRecipeError({ step: inner?.step ?? "attach config drive", object: inner?.object ?? `VM ${vm}`, hint }, "failed", inner?.cause ?? error);
  }
}

async function createDriveVdi(client: UploadClient, options: AttachConfigDriveOptions): Promise<string> {
  const record = {
    name_label: options.name ?? "cidata",
    name_description: "cloud-init NoCloud config drive (bioxen-luavm)",
    SR: options.sr,
    virtual_size: options.image.length,
    type: "user",
    sharable: false,
    read_only: false,
    other_config: ownedOtherConfig(options.owner, {}, "complete"),
    xenstore_data: {},
    sm_config: {},
    tags: [ownerTag],
  };
  return String(await withContext({ step: "config drive: VDI.create", object: `SR ${options.sr}` }, () => client.call("VDI.create", record)));
}

/** task.create, the PUT, the task's outcome; the task is destroyed whatever happens. */
async function upload(client: UploadClient, vdi: string, options: AttachConfigDriveOptions, wait: WaitOptions, undo: Undo[]): Promise<void> {
  const context = { step: "config drive: upload (PUT /import_raw_vdi)", object: `VDI ${vdi}` };
  const task = String(await withContext(context, () => client.call("task.create", "bioxen-luavm config drive upload", `import_raw_vdi into ${vdi}`)));
  const ending = { what: `task ${task}`, run: () => endTask(client, task) };
  undo.push(ending);
  await withContext(context, async () => {
    const status = await client.putToHandler("/import_raw_vdi", { vdi, format: "raw", task_id: task }, options.image, { ...wait, onProgress: options.onProgress });
    const pending = status !== 200 && String(await client.call("task.get_status", task)) === "pending";
    if (pending) throw new Error(`the host answered HTTP ${status} and never took up the upload`);
    undo.splice(undo.indexOf(ending), 1); // waitForTask destroys the task whatever its outcome
    await client.waitForTask(task, wait);
  });
}

/** Cancels (when possible) and destroys a task whose upload was abandoned. */
async function endTask(client: UploadClient, task: string): Promise<void> {
  await client.call("task.cancel", task).catch(() => undefined);
  await unlessGone(client.call("task.destroy", task));
}

async function createDriveVbd(client: UploadClient, vm: string, vdi: string): Promise<string> {
  const step = "config drive: VBD.create";
  return withContext({ step, object: `VM ${vm}` }, async () => {
    const [userdevice] = (await client.call("VM.get_allowed_VBD_devices", vm)) as string[];
    if (userdevice === undefined) throw new Error("the VM has no free disk slot (VM.get_allowed_VBD_devices is empty)");
    const record = { VM: vm, VDI: vdi, userdevice, bootable: false, mode: "RO", type: "Disk", empty: false, unpluggable: true, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} };
    return String(await client.call("VBD.create", record));
  });
}

/** Runs the undo steps, newest first; says what was removed and what could not be. */
async function rollBack(undo: readonly Undo[]): Promise<string> {
  const failed: string[] = [];
  const steps = [...undo].reverse();
  for (const step of steps) {
    await step.run().catch((error: unknown) => failed.push(`${step.what} (${error instanceof Error ? error.message : String(error)})`));
  }
  if (undo.length === 0) return "nothing was made";
  return failed.length === 0 ? `removed again: ${steps.map((step) => step.what).join(", ")}` : `could not remove ${failed.join(", ")}: remove them by hand`;
}
