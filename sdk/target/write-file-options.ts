import type { WriteFileOptions } from "./types";

/** How long a writeFile may take when the caller sets no `deadline`. */
export const DEFAULT_WRITE_FILE_TIMEOUT_MS = 60_000;

/**
 * The options object of a `Target.writeFile` call, whichever form the caller used: an options
 * object, the older bare `mode` number, or nothing.
 * @param options the third argument as passed
 */
export function writeFileOptions(options: WriteFileOptions | number | undefined): WriteFileOptions {
  if (options === undefined) return {};
  return typeof options === "number" ? { mode: options } : options;
}
