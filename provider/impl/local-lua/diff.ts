/** LocalLua diff: a tree change replaces; an interpreter or projectDir change updates in place. Pure. */
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys } from "../../runtime/inputs";

/** Inputs whose change means another tree: a new resource. */
const REPLACE_KEYS = ["tree"] as const;
/** Inputs applied in place (the interpreter is probed again). */
const UPDATE_KEYS = ["interpreter", "projectDir"] as const;

/** Tree change → replace; interpreter or projectDir change → update. */
export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const replaces = changedKeys(olds, news, REPLACE_KEYS);
  const updates = changedKeys(olds, news, UPDATE_KEYS);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}
