import { describe, expect, it } from "vitest";
import { RockInputError, validateServer } from "../../sdk/rocks";

describe("a refused rock server URL", () => {
  it("is reported with its credentials masked, in the message and in .value", () => {
    const error = (() => {
      try {
        validateServer("https://deploy:t0ken-hunter2@rocks.example/repo");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RockInputError);
    expect((error as RockInputError).message).toContain('"https://***@rocks.example/repo"');
    expect((error as RockInputError).value).toBe("https://***@rocks.example/repo");
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain("t0ken-hunter2");
  });
});
