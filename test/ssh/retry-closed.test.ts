import { describe, expect, it } from "vitest";
import { Deadline, type DeadlineInput } from "../../sdk/base/deadline";
import { SshError } from "../../sdk/ssh";
import { retryOnClosed } from "../../sdk/ssh/retry-closed";

const closed = () => new SshError("CLOSED", "ssh://t", "cannot open an exec channel: the connection is closed");

describe("retryOnClosed", () => {
  it("tries again after CLOSED, keeping the caller's deadline from the first attempt", async () => {
    const seen: Array<DeadlineInput | undefined> = [];
    const startedAt = Date.now();
    const result = await retryOnClosed({ deadline: 5_000 }, "exec", async (options) => {
      seen.push(options.deadline);
      if (seen.length < 3) throw closed();
      return "ran";
    });
    expect(result).toBe("ran");
    expect(seen[0]).toBe(5_000);
    for (const later of seen.slice(1)) {
      expect(later).toBeInstanceOf(Deadline);
      expect((later as Deadline).endsAt - startedAt).toBeGreaterThanOrEqual(5_000);
      expect((later as Deadline).endsAt - startedAt).toBeLessThan(5_500);
    }
  });

  it("gives up after two new connections, and never retries any other failure", async () => {
    let attempts = 0;
    await expect(retryOnClosed({}, "exec", async () => {
      attempts += 1;
      throw closed();
    })).rejects.toMatchObject({ reason: "CLOSED" });
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(retryOnClosed({}, "exec", async () => {
      attempts += 1;
      throw new SshError("CHANNEL", "ssh://t", "the connection was lost while running lua; its outcome is unknown");
    })).rejects.toMatchObject({ reason: "CHANNEL" });
    expect(attempts).toBe(1);
  });

  it("refuses a bad deadline before the first attempt", async () => {
    let attempts = 0;
    await expect(retryOnClosed({ deadline: Number.NaN }, "exec", async () => (attempts += 1))).rejects.toThrow(RangeError);
    expect(attempts).toBe(0);
  });
});
