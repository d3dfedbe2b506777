import { afterAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshTarget, SshError } from "../../sdk/ssh";
import { startSshd, type SshdHandle } from "../../sim/guest/sshd";
import { freePort, startTestSshd, type TestSshd } from "../support/sshd";

const started: Array<SshdHandle | TestSshd> = [];
afterAll(async () => {
  await closeAllSshConnections();
  await Promise.all(started.map((s) => s.stop()));
});

describe("dialling", () => {
  it("gives up on a closed port at the deadline and reports the last cause", async () => {
    const port = await freePort();
    const target = sshTarget({ host: "127.0.0.1", port, username: "nobody", password: "x", hostKey: { trustOnFirstUse: true }, dialDeadlineMs: 1_500 });
    const error = await target.exec(["true"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe("UNREACHABLE");
    expect((error as SshError).message).toContain("ECONNREFUSED");
    expect(((error as SshError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("connects to a host that starts listening while we back off", async () => {
    // The fixture's keys and host key, served later on a port that is closed when we start dialling.
    const keys = await startTestSshd();
    started.push(keys);
    const port = await freePort();
    const target = sshTarget({
      host: "127.0.0.1",
      port,
      username: keys.username,
      privateKey: keys.privateKey,
      hostKey: { trustOnFirstUse: true },
      dialDeadlineMs: 30_000,
    });
    const result = target.exec(["echo", "booted"]);
    await new Promise((r) => setTimeout(r, 700));
    started.push(await startSshd({ addresses: ["127.0.0.1"], port, authorizedKeys: [keys.publicKey] }));
    expect((await result).stdout).toBe("booted\n");
  });

  it("an abort signal stops the dial loop", async () => {
    const port = await freePort();
    const target = sshTarget({ host: "127.0.0.1", port, username: "nobody", password: "x", hostKey: { trustOnFirstUse: true }, dialDeadlineMs: 60_000 });
    const controller = new AbortController();
    const pending = target.exec(["true"], { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("test abort")), 300);
    const error = await pending;
    expect((error as SshError).code).toBe("ABORTED");
  });
});
