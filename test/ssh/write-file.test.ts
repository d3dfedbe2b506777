/**
 * Target.writeFile over SSH against servers that stall: the SFTP subsystem never answers its
 * handshake, or answers it and then never answers the upload. The call must end at its deadline
 * or on abort, and the connection must stay usable.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descendantPids, signalQuietly } from "../../sim/sshd/process-tree";
import { closeAllSshConnections, sshTarget, SshError, type SshTarget } from "../../sdk/ssh";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";

let dir: string;
let sshd: TestSshd;
let target: SshTarget;
/** The wrapper reads this file to decide how the next SFTP session misbehaves. */
let modeFile: string;
/** Every wrapper appends its pid here. */
let pidFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-sftp-stall-"));
  modeFile = join(dir, "sftp-mode");
  pidFile = join(dir, "wrapper-pids");
  const wrapper = join(dir, "wrapper.sh");
  // Commands run normally. The SFTP subsystem either sleeps (no handshake) or lets the handshake
  // through and then stops reading: ssh2 sends INIT (9 bytes) and, as OpenSSH offers it, a
  // limits@openssh.com request (31 bytes); every later request goes unanswered. dd copies byte by
  // byte without buffering (head would hold the INIT back in stdio until it exits).
  writeFileSync(
    wrapper,
    [
      "#!/bin/sh",
      // Stalled sessions outlive their sshd session process once the client gives up; afterAll kills them by pid.
      `echo $$ >> ${pidFile}`,
      'case "$SSH_ORIGINAL_COMMAND" in',
      "  */sftp-server|internal-sftp)",
      `    case "$(cat ${modeFile} 2>/dev/null)" in`,
      '      stall-handshake) exec sleep 600 ;;',
      '      stall-upload) { dd bs=1 count=40 2>/dev/null; exec sleep 600; } | exec "$SSH_ORIGINAL_COMMAND" ;;',
      '      *) exec "$SSH_ORIGINAL_COMMAND" ;;',
      "    esac ;;",
      '  *) exec /bin/sh -c "$SSH_ORIGINAL_COMMAND" ;;',
      "esac",
      "",
    ].join("\n"),
  );
  chmodSync(wrapper, 0o755);
  sshd = await startTestSshd({ forceCommand: wrapper });
  target = sshTarget(sshTargetOptions(sshd, { dialTimeoutMs: 10_000 }));
});
afterAll(async () => {
  await closeAllSshConnections();
  await sshd?.stop();
  killWrappers();
  rmSync(dir, { recursive: true, force: true });
});

/** Kills every wrapper this suite's sshd started, with whatever it still runs (a stalled `sleep`). */
function killWrappers(): void {
  if (!pidFile || !existsSync(pidFile)) return;
  for (const pid of readFileSync(pidFile, "utf8").split("\n").filter(Boolean).map(Number)) {
    for (const p of [...descendantPids(pid), pid]) signalQuietly(p, "SIGKILL");
  }
}

const serverMode = (mode: string) => writeFileSync(modeFile, mode);

describe("writeFile over SSH", () => {
  it("uploads through the wrapper when the server behaves", async () => {
    serverMode("normal");
    const path = join(dir, "ok.txt");
    await target.writeFile(path, "fine", { mode: 0o600, timeoutMs: 20_000 });
    expect(existsSync(path)).toBe(true);
  });

  it("times out at its deadline when the SFTP handshake never comes, naming path and target", async () => {
    serverMode("stall-handshake");
    const path = join(dir, "never-handshake.txt");
    const error = await target.writeFile(path, "x", { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).reason).toBe("TIMEOUT");
    expect((error as SshError).message).toContain(path);
    expect((error as SshError).message).toContain(target.description);
    expect((error as SshError).message).toContain("1000 ms");
    expect(((error as SshError).cause as SshError).message).toContain("an SFTP channel");
    // The stalled channel does not break the connection.
    expect((await target.exec(["echo", "still here"], { timeoutMs: 20_000 })).stdout).toBe("still here\n");
  });

  it("times out when the server stops answering during the upload", async () => {
    serverMode("stall-upload");
    const path = join(dir, "never-written.txt");
    const error = await target.writeFile(path, "x", { timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect((error as SshError).reason).toBe("TIMEOUT");
    expect((error as SshError).message).toContain(path);
    // The channel did open: what timed out was the upload itself, not the SFTP handshake.
    expect(((error as SshError).cause as Error).name).toBe("TimeoutError");
    expect(existsSync(path)).toBe(false);
  });

  it("an abort during the upload ends the call with ABORTED", async () => {
    serverMode("stall-upload");
    const controller = new AbortController();
    const pending = target.writeFile(join(dir, "aborted.txt"), "x", { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("test abort")), 300);
    const error = await pending;
    expect((error as SshError).reason).toBe("ABORTED");
    expect(((error as SshError).cause as Error).message).toBe("test abort");
  });

  it("refuses at once with an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await target.writeFile(join(dir, "pre-aborted.txt"), "x", { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as SshError).reason).toBe("ABORTED");
  });

  it("still uploads once the server behaves again", async () => {
    serverMode("normal");
    const path = join(dir, "after.txt");
    await target.writeFile(path, "after", { timeoutMs: 20_000 });
    expect(existsSync(path)).toBe(true);
  });
});
