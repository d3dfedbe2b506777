/** Finding the template a VM is made from: by uuid, or by a name_label that must be unique. */
import type { RecipeClient } from "./client";
import { XapiRecipeError, isGone, withContext } from "./errors";
import { bool, str, type XapiRecord } from "./records";
import { isUuid } from "./refs";
import { recordsWhere } from "./where";

/** A template found by {@link findTemplate}. */
export interface FoundTemplate {
  ref: string;
  uuid: string;
  nameLabel: string;
  record: XapiRecord;
}

/** How many templates an error message lists before "… and N more". */
const LISTED_TEMPLATES = 15;

/** What makes a VM a template we may install from (snapshots are templates too in xapi). */
const TEMPLATE_FIELDS = { is_a_template: true, is_a_snapshot: false, is_control_domain: false } as const;

/**
 * Finds a template by uuid or by name_label among `is_a_template && !is_control_domain &&
 * !is_a_snapshot`. No match → an error listing the available templates; several with that name
 * → an error listing their uuids (name_label is not unique: pass the uuid). Reads the one
 * template (`get_by_uuid`) or the templates of that name (`get_all_records_where`), never
 * every VM of the pool.
 */
export async function findTemplate(client: RecipeClient, nameOrUuid: string): Promise<FoundTemplate> {
  const step = "find template";
  const byUuid = isUuid(nameOrUuid) ? await templateByUuid(client, nameOrUuid.toLowerCase(), step) : undefined;
  if (byUuid) return byUuid;
  const byName = foundTemplates(await recordsWhere(client, "VM", { name_label: nameOrUuid, ...TEMPLATE_FIELDS }, step));
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new XapiRecipeError(
      { step, object: nameOrUuid, hint: "name_label is not unique: pass one of these uuids instead" },
      `${byName.length} templates are named ${JSON.stringify(nameOrUuid)}: ${byName.map((t) => t.uuid).join(", ")}`,
    );
  }
  throw new XapiRecipeError(
    { step, object: nameOrUuid, hint: "pass the name_label or uuid of one of the available templates" },
    `no template with that name or uuid; available: ${listTemplates(foundTemplates(await recordsWhere(client, "VM", TEMPLATE_FIELDS, `${step}: list templates`)))}`,
  );
}

function foundTemplates(entries: Array<[string, XapiRecord]>): FoundTemplate[] {
  return entries.map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), nameLabel: str(record, "name_label"), record }));
}

/** The template with this uuid, or undefined when no VM has it or that VM is no template. */
async function templateByUuid(client: RecipeClient, uuid: string, step: string): Promise<FoundTemplate | undefined> {
  let ref: string;
  try {
    ref = (await client.call("VM.get_by_uuid", uuid)) as string;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw new XapiRecipeError({ step, object: uuid }, "failed", error);
  }
  const record = (await withContext({ step, object: uuid }, () => client.call("VM.get_record", ref))) as XapiRecord;
  const isTemplate = Object.entries(TEMPLATE_FIELDS).every(([field, wanted]) => bool(record, field) === wanted);
  return isTemplate ? foundTemplates([[ref, record]])[0] : undefined;
}

function listTemplates(templates: FoundTemplate[]): string {
  if (templates.length === 0) return "(none)";
  const shown = [...templates]
    .sort((a, b) => a.nameLabel.localeCompare(b.nameLabel))
    .slice(0, LISTED_TEMPLATES)
    .map((t) => `"${t.nameLabel}" (${t.uuid})`);
  const more = templates.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` … and ${more} more` : "");
}
