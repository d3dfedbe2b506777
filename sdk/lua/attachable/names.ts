import { LuaSessionError } from "../errors";

/** What a session name may look like: it names files on the target, so it stays a plain token. */
export const SESSION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Characters a session directory may contain (it is passed as an argument, never parsed by a shell). */
const SESSION_DIR_PATTERN = /^\/[A-Za-z0-9._/-]*$/;

/** Longest socket path a Unix socket can bind (108 bytes with the NUL), less the ".new" suffix. */
const MAX_SOCKET_PATH = 103;

/** Returns `name` when it is a valid session name (1–63 letters, digits, `_`, `-`, not starting with `_`/`-`). */
export function validateSessionName(name: string): string {
  if (typeof name !== "string" || !SESSION_NAME_PATTERN.test(name)) {
    throw new LuaSessionError(
      "invalid",
      `session name ${JSON.stringify(name)} is invalid: use 1–63 letters, digits, "_" or "-", starting with a letter or digit`,
    );
  }
  return name;
}

/** Returns `dir` when it can hold sessions: an absolute path of plain characters, without `..`. */
export function validateSessionDir(dir: string): string {
  const problem =
    typeof dir !== "string" || !SESSION_DIR_PATTERN.test(dir)
      ? "must be an absolute path of letters, digits and . _ / -"
      : dir.split("/").includes("..")
        ? "must not contain .."
        : undefined;
  if (problem) throw new LuaSessionError("invalid", `session directory ${JSON.stringify(dir)} ${problem}`);
  return dir;
}

/** Throws unless the socket of session `name` (and its temporary name) fits a Unix socket address. */
export function assertSocketPathFits(dir: string, namespace: string, name: string): void {
  const path = `${dir}/${namespace}/${name}.sock`;
  if (path.length > MAX_SOCKET_PATH) {
    throw new LuaSessionError("invalid", `session socket ${path} is ${path.length} characters, more than a Unix socket address takes (${MAX_SOCKET_PATH}): choose a shorter directory, VM id or name`);
  }
}

/** A session id: "<namespace>/<name>" (the namespace is the VM id). */
export function sessionId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Splits a session id into namespace and name, both validated by the caller. */
export function parseSessionId(id: string): { namespace: string; name: string } {
  const slash = typeof id === "string" ? id.indexOf("/") : -1;
  if (slash <= 0) throw new LuaSessionError("invalid", `session id ${JSON.stringify(id)} is invalid: expected "<vm id>/<session name>"`);
  return { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}
