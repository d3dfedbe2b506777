/**
 * Checks shared by the engine suites (test/provider/*.engine.test.ts, test/stack/): which
 * resources an operation changed, and that no secret leaked into state, outputs or host logs.
 */
import { expect } from "vitest";
import { SECRET_SIG, SIG_KEY, isSecret, type Engine, type OperationResult, type PropertyValue } from "../../support/engine";

/** Provider calls that change something. */
export const MUTATING_METHODS = ["create", "update", "delete"] as const;

/** The mutating calls of one operation as "<method> <resource name>", in call order. */
export function mutations(result: OperationResult): string[] {
  return result.calls.filter((c) => (MUTATING_METHODS as readonly string[]).includes(c.method)).map((c) => `${c.method} ${c.urn.split("::").pop()}`);
}

/** The lines of a private key worth searching for: its body lines (the armour lines are public). */
export function privateKeyLines(privateKey: string): string[] {
  const lines = privateKey.split("\n").filter((line) => line.length > 20 && !line.includes("PRIVATE KEY"));
  expect(lines.length, "the private key has body lines to search for").toBeGreaterThan(0);
  return lines;
}

/**
 * Asserts no text of `secrets` appears in the serialized state, in any `__provider` text, in any
 * output handed back to the program by `results` outside a secret envelope, or in any host log line.
 */
export function expectNoSecretLeaks(engine: Engine, secrets: readonly string[], results: readonly OperationResult[] = []): void {
  const places: Record<string, string> = {
    "serialized state": engine.serializedState(),
    "__provider texts": engine.state.map((r) => `${String(r.inputs.__provider)}\n${String(r.outputs.__provider)}`).join("\n"),
    "plaintext outputs": JSON.stringify(results.flatMap((r) => [...r.resources.values()].map((res) => withoutSecrets(res.outputs)))),
    "host logs": engine.hostLogs.map((l) => l.line).join("\n"),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const secretText of secrets) expect(text.includes(secretText), `a secret appears in the ${place}`).toBe(false);
  }
}

/** The value with every secret envelope emptied: what a plaintext reader of it sees. */
function withoutSecrets(value: PropertyValue): PropertyValue {
  if (isSecret(value)) return { [SIG_KEY]: SECRET_SIG };
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  return value;
}
