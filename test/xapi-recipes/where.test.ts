/**
 * recordsWhere: a filtered lookup in xapi's filter language, and the get_by_name_label path for
 * a name holding '"' (which that language cannot express).
 */
import { describe, expect, it } from "vitest";
import { destroyVm, findTemplate } from "../../sdk/xapi/recipes";
import { recordsWhere } from "../../sdk/xapi/recipes/where";
import { TEMPLATES } from "../../sim";
import { useRecipeSim } from "./support";

const env = useRecipeSim();

describe("recordsWhere", () => {
  it("finds records by name and flags, also for a name holding a double quote", async () => {
    const [template] = (await env.client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
    const quoted = 'lab "alpha" vm';
    const clone = String(await env.client.call("VM.clone", template!, quoted));
    try {
      for (const name of [quoted, TEMPLATES.cloneReady]) {
        const found = await recordsWhere(env.client, "VM", { name_label: name, is_a_template: true, is_a_snapshot: false }, "test");
        expect(found.map(([ref]) => ref)).toEqual([name === quoted ? clone : template]);
        expect(await recordsWhere(env.client, "VM", { name_label: name, is_a_template: false }, "test")).toEqual([]);
      }
      expect((await findTemplate(env.client, quoted)).ref).toBe(clone);
      await expect(recordsWhere(env.client, "VM", { name_label: "x", name_description: 'a "b"' }, "test")).rejects.toThrow(/cannot look up VM/);
    } finally {
      await destroyVm(env.client, clone, { deadline: 30_000 });
    }
  });

  it("finds a template by its uuid, in any case", async () => {
    const [template] = (await env.client.call("VM.get_by_name_label", TEMPLATES.cloneReady)) as string[];
    const uuid = String(await env.client.call("VM.get_uuid", template!));
    expect((await findTemplate(env.client, uuid.toUpperCase())).ref).toBe(template);
  });
});
