/**
 * Sends SIGKILL to a whole local process group (the child was spawned `detached`, so its pid is
 * the group id). A group that is already gone is not an error.
 * @param pid pid of the group leader
 */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
