import type { ExecOptions, Target } from "../target/types";

/** What {@link scopedTarget} adds to every command. */
export interface TargetScope {
  /** Variables set for every command (a command's own `env` wins on a clash). */
  env?: Record<string, string>;
  /** Working directory used when a command names none. */
  cwd?: string;
}

/**
 * A view of `inner` that runs every command with extra environment variables and a default
 * working directory. Lua runs and sessions of a VM go through it, so `require` finds the VM's
 * own rocks tree without any code change.
 */
export function scopedTarget(inner: Target, scope: TargetScope): Target {
  const apply = <T extends Omit<ExecOptions, "stdin" | "deadline">>(options: T = {} as T): T => ({
    ...options,
    env: { ...scope.env, ...options.env },
    cwd: options.cwd ?? scope.cwd,
  });
  return {
    description: inner.description,
    key: inner.key,
    exec: (argv, options) => inner.exec(argv, apply(options)),
    spawn: (argv, options) => inner.spawn(argv, apply(options)),
    writeFile: (path, content, options) => inner.writeFile(path, content, options),
  };
}
