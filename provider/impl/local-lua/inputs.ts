/**
 * LocalLua inputs: validation and normalisation for `check` (no side effects, no network), and
 * the keys diff compares. Relative paths are resolved here, against the provider host's working
 * directory (the Pulumi program folder), so the state always holds absolute paths.
 */
import * as path from "node:path";
import { assertInterpreterName } from "../../../sdk/lua/interpreter";
import { validateTreePath } from "../../../sdk/rocks";
import { unexpectedKeys } from "../../runtime/checks";
import { failure, isUnknown, reveal, shown, type CheckFailure } from "../../runtime/inputs";

/** LocalLua inputs after check: `projectDir` and `tree` absolute (unless still unknown in a preview). */
export interface LocalLuaInputs {
  /** Interpreter command or path; absent = the first of lua5.4, lua, lua5.3, lua5.1, luajit found. */
  interpreter?: string;
  /** Absolute project folder (default: the program folder). */
  projectDir: string;
  /** Absolute rocks tree folder (default `<projectDir>/lua_modules`). */
  tree: string;
}

/** Every input key LocalLua accepts (keys starting with "__" are Pulumi's own). */
export const LOCAL_LUA_INPUT_KEYS = ["interpreter", "projectDir", "tree"] as const;

/** Default tree folder name inside the project folder. */
export const DEFAULT_TREE_DIR = "lua_modules";

/** The provider's check: validates inputs and makes `projectDir`/`tree` absolute (relative to the program folder); no side effects. */
export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  return checkLocalLuaInputs(news);
}

/** Validates and normalises raw LocalLua inputs; unknown values pass through untouched. */
function checkLocalLuaInputs(raw: Record<string, unknown>, cwd = process.cwd()): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const news = reveal<Record<string, unknown>>(raw);
  const failures: CheckFailure[] = unexpectedKeys(news, LOCAL_LUA_INPUT_KEYS);
  const inputs: Record<string, unknown> = { ...news };

  if (news.interpreter !== undefined && !isUnknown(news.interpreter)) {
    const problem = interpreterProblem(news.interpreter);
    if (problem) failures.push(failure("interpreter", problem));
  }

  const projectDir = absoluteFolder(news.projectDir, cwd, "projectDir", failures);
  if (projectDir !== undefined) inputs.projectDir = projectDir;

  if (isUnknown(news.tree)) return { inputs, failures };
  if (news.tree === undefined && projectDir === undefined) return { inputs, failures }; // projectDir unknown or bad
  const tree = news.tree === undefined ? path.join(projectDir!, DEFAULT_TREE_DIR) : absoluteFolder(news.tree, projectDir ?? cwd, "tree", failures);
  if (tree !== undefined) inputs.tree = tree;
  return { inputs, failures };
}

function interpreterProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a command name or path, got ${shown(value)}`;
  try {
    assertInterpreterName(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * `value` (absent → `base`) resolved against `base`, checked as a path luarocks can use.
 * @returns undefined (and a failure pushed) when invalid, or when `value` is unknown
 */
function absoluteFolder(value: unknown, base: string, property: string, failures: CheckFailure[]): string | undefined {
  if (isUnknown(value)) return undefined;
  if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
    failures.push(failure(property, `must be a folder path, got ${shown(value)}`));
    return undefined;
  }
  const resolved = path.resolve(base, (value as string | undefined) ?? ".");
  try {
    return validateTreePath(resolved, property);
  } catch {
    failures.push(failure(property, `must resolve to an absolute path of letters, digits, '.', '_', '+', '-' and '/', got ${shown(resolved)}`));
    return undefined;
  }
}
