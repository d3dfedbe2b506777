/**
 * Dependencies loaded on first use, not when `bioxen-luavm` is required: ssh2 (with its crypto
 * helpers), yaml, ajv, undici and luaparse (about 110 modules) cost start-up time and memory that a program using only the XAPI client
 * should not pay (issue #12 target 6). Each getter requires its module once and returns it.
 */
import type * as Ssh2 from "ssh2";
import type * as Yaml from "yaml";
import type AjvClass from "ajv";
import type * as Undici from "undici";
import type * as Luaparse from "luaparse";

function once<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}

/** The `ssh2` module. */
export const ssh2 = once(() => require("ssh2") as typeof Ssh2);

/** The `yaml` module. */
export const yaml = once(() => require("yaml") as typeof Yaml);

/** The `undici` module (the XAPI client's HTTP). */
export const undici = once(() => require("undici") as typeof Undici);

/** The `Ajv` class of the `ajv` module. */
export const Ajv = once(() => (require("ajv") as { default: typeof AjvClass }).default);

/** The `luaparse` module (reads `luarocks config` output). */
export const luaparse = once(() => require("luaparse") as typeof Luaparse);
