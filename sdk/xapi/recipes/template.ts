/** Finding the template a VM is made from: by uuid, or by a name_label that must be unique. */
import type { RecipeClient } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { bool, entriesOf, str, type XapiRecord } from "./records";

/** A template found by {@link findTemplate}. */
export interface FoundTemplate {
  ref: string;
  uuid: string;
  nameLabel: string;
  record: XapiRecord;
}

/** How many templates an error message lists before "… and N more". */
const LISTED_TEMPLATES = 15;

/**
 * Finds a template by uuid or by name_label among `is_a_template && !is_control_domain &&
 * !is_a_snapshot`. No match → an error listing the available templates; several with that name
 * → an error listing their uuids (name_label is not unique: pass the uuid).
 */
export async function findTemplate(client: RecipeClient, nameOrUuid: string): Promise<FoundTemplate> {
  const step = "find template";
  const all = await withContext({ step, object: nameOrUuid }, () => client.call("VM.get_all_records"));
  const templates = entriesOf(all)
    .filter(([, r]) => bool(r, "is_a_template") && !bool(r, "is_control_domain") && !bool(r, "is_a_snapshot"))
    .map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), nameLabel: str(record, "name_label"), record }));

  const byUuid = templates.find((t) => t.uuid.toLowerCase() === nameOrUuid.toLowerCase());
  if (byUuid) return byUuid;
  const byName = templates.filter((t) => t.nameLabel === nameOrUuid);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new XapiRecipeError(
      { step, object: nameOrUuid, hint: "name_label is not unique: pass one of these uuids instead" },
      `${byName.length} templates are named ${JSON.stringify(nameOrUuid)}: ${byName.map((t) => t.uuid).join(", ")}`,
    );
  }
  throw new XapiRecipeError(
    { step, object: nameOrUuid, hint: "pass the name_label or uuid of one of the available templates" },
    `no template with that name or uuid; available: ${listTemplates(templates)}`,
  );
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
