import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Target } from "../../sdk/target/types";

/** A temporary directory per test file; `cleanup` removes it. */
export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `bioxen-rocks-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A real target whose every call is also written down (what ran, in order). */
export interface RecordingTarget extends Target {
  /** Each exec/spawn argv and each writeFile path, in call order. */
  readonly calls: string[][];
}

/**
 * Wraps a real target, recording calls and passing them through unchanged. `key` lets two
 * wrappers of the same machine look like two different targets (to bypass per-process locks).
 */
export function recordingTarget(inner: Target, key = inner.key): RecordingTarget {
  const calls: string[][] = [];
  return {
    description: `${inner.description} (recorded)`,
    key,
    calls,
    exec: (argv, options) => {
      calls.push([...argv]);
      return inner.exec(argv, options);
    },
    spawn: (argv, options) => {
      calls.push([...argv]);
      return inner.spawn(argv, options);
    },
    writeFile: (path, content, options) => {
      calls.push(["writeFile", path]);
      return inner.writeFile(path, content, options);
    },
  };
}
