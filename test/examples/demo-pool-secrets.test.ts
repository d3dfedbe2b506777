import { describe, expect, it } from "vitest";
import { openDemoPool, POOL_ENV } from "../../scripts/support/demo-pool";

describe("the demo's real-pool summary (printed by the demo)", () => {
  it("masks credentials someone put in the pool URL", async () => {
    const pool = await openDemoPool({
      [POOL_ENV.url]: "https://root:hunter2-pw@pool.example",
      [POOL_ENV.username]: "root",
      [POOL_ENV.password]: "other-pw",
      [POOL_ENV.sshPrivateKey]: "-----BEGIN OPENSSH PRIVATE KEY-----\n…\n-----END OPENSSH PRIVATE KEY-----\n",
    });
    try {
      expect(pool.summary).toBe("XCP-ng pool at https://***@pool.example");
    } finally {
      await pool.close();
    }
  });
});
