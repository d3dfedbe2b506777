/**
 * Issue #16, hostile input: 10,000 generated strings (see ./hostile-strings) into EVERY string
 * input of the four resources that can reach a command line, a file path or XAPI (the provider's
 * check, called as the host calls it), and into every string field and key of an environment
 * file; the accepted interpreter names are then run on a local and an SSH target. Nothing may
 * execute (a canary file never appears), check and validation never throw, every rejection
 * names the input and says what is expected, and no accepted value holds a control character
 * (it would reach XAPI, a path or a command line byte-exact). The same values go through the real dynamic-provider
 * host in ./hostile-input.engine.test.ts.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasControlCharacter } from "../../sdk/base";
import { checkEnvironment, planEnvironment } from "../../sdk/env";
import { LuaInterpreterNotFoundError } from "../../sdk/lua";
import { detectLuaInterpreter } from "../../sdk/lua/interpreter";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { localTarget, type Target } from "../../sdk/target";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { HOSTILE_INPUTS } from "./hostile-inputs";
import { ENVIRONMENT_FIELDS, environmentWith } from "./hostile-environment";
import { hostileString } from "./hostile-strings";
import { expectClearReason } from "./clear-errors";

/** Strings per input. */
const RUNS = 10_000;
/** Accepted interpreter names run on each target (each run is a process start). */
const MAX_RUN_PER_TARGET = 60;
const SEED = 16_016;

let dir: string;
let canary: string;
let sshd: TestSshd;
/** Every string each input accepted, by "resource property". */
const accepted = new Map<string, Set<string>>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-hostile-"));
  canary = join(dir, "canary");
  sshd = await startTestSshd();
});

afterAll(async () => {
  await closeAllSshConnections();
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const counts = [...accepted].map(([input, values]) => `${input}: ${values.size}`).join(", ");
  console.log(`hostile input: ${HOSTILE_INPUTS.length} resource inputs and ${ENVIRONMENT_FIELDS.length} environment fields × ${RUNS} strings; accepted (distinct): ${counts}`);
});

/** Lets the worker's event loop breathe every few hundred runs (vitest's RPC times out otherwise). */
let runs = 0;
async function breathe(): Promise<void> {
  if (++runs % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
}

/** An accepted value reaches XAPI, a file path or a command line byte-exact: it may hold no control character. */
function acceptedPrintable(input: string, value: string): string {
  if (hasControlCharacter(value)) throw new Error(`${input} accepted ${JSON.stringify(value)}, which holds a control character`);
  return value;
}

function noCanary(): void {
  if (existsSync(canary)) throw new Error(`the canary file ${canary} exists: a generated string was executed`);
}

describe(`${RUNS} generated strings into every resource input (the provider's check)`, () => {
  for (const input of HOSTILE_INPUTS) {
    it(`${input.resource} ${input.property} (reaches ${input.reaches})`, async () => {
      expect((await input.check({}, input.base)).failures ?? [], "the base inputs are valid").toEqual([]);
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(hostileString(canary), async (value) => {
          await breathe();
          const { failures = [] } = await input.check({}, input.inputs(value));
          if (failures.length === 0) return void seen.add(acceptedPrintable(input.property, value));
          const root = input.property.split(/[.[]/)[0]!;
          if (!failures.some((f) => f.property === root || f.property.startsWith(root))) throw new Error(`no failure names ${input.property}: ${JSON.stringify(failures)}`);
          for (const f of failures) expectClearReason(f.reason, `${input.property} = ${JSON.stringify(value)}`);
          noCanary();
        }),
        { numRuns: RUNS, seed: SEED },
      );
      accepted.set(`${input.resource} ${input.property}`, seen);
      noCanary();
    });
  }
});

describe(`${RUNS} generated strings into every field and key of an environment file`, () => {
  for (const field of ENVIRONMENT_FIELDS) {
    it(`${field}`, async () => {
      let valid = 0;
      await fc.assert(
        fc.asyncProperty(hostileString(canary), async (value) => {
          await breathe();
          const result = checkEnvironment(environmentWith(field, value), "hostile.yaml");
          if (result.spec) {
            acceptedPrintable(field, value);
            valid += 1;
            planEnvironment(result.spec);
            return;
          }
          if (result.issues.length === 0) throw new Error("no spec and no issue");
          for (const issue of result.issues) {
            if (!(issue.line >= 1 && issue.column >= 1)) throw new Error(`issue without a place: ${JSON.stringify(issue)}`);
            expectClearReason(issue.message, `${field} = ${JSON.stringify(value)}`);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      accepted.set(`environment ${field}`, new Set(Array.from({ length: valid }, (_, i) => String(i))));
      noCanary();
    });
  }
});

describe("accepted interpreter names run on a local and an SSH target", () => {
  it("start no process but the one named; nothing else runs", async () => {
    const names = new Set([...(accepted.get("XcpngLuaVM luaInterpreter") ?? []), ...(accepted.get("LocalLua interpreter") ?? [])]);
    expect(names.size, "the generator produced accepted interpreter names").toBeGreaterThan(0);
    const targets: Array<[string, Target]> = [["local", localTarget()], ["ssh", sshTarget(sshTargetOptions(sshd, { dialTimeoutMs: 10_000 }))]];
    for (const [label, target] of targets) {
      for (const name of [...names].slice(0, MAX_RUN_PER_TARGET)) {
        const outcome = await detectLuaInterpreter(target, name).catch((error: unknown) => error);
        if (outcome instanceof Error && !(outcome instanceof LuaInterpreterNotFoundError)) expectClearReason(outcome.message, `${label} ${JSON.stringify(name)}`);
        noCanary();
      }
    }
  }, 180_000);
});
