/**
 * Compares 200 tiny Lua executions run one process each (LuaRunner.runChunk) with the same
 * executions in one persistent LuaSession, on the local target. One run; read the ratio, not the
 * absolute numbers. Usage: npx tsx bench/lua-session.ts [interpreter]
 */
import { performance } from "node:perf_hooks";
import { LuaRunner } from "../sdk/lua";
import { localTarget } from "../sdk/target/local";

const EXECUTIONS = 200;

async function timeIt(label: string, work: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < EXECUTIONS; i += 1) await work(i);
  const elapsed = performance.now() - started;
  console.log(`${label}: ${EXECUTIONS} executions in ${elapsed.toFixed(0)} ms (${(elapsed / EXECUTIONS).toFixed(2)} ms each)`);
  return elapsed;
}

async function main(): Promise<void> {
  const runner = new LuaRunner(localTarget(), { interpreter: process.argv[2] });
  const { interpreter, version } = await runner.version();
  console.log(`interpreter: ${interpreter} ${version}`);
  const perProcess = await timeIt("runChunk (one process each)", (i) => runner.runChunk(`return ${i} * 2`));
  const session = await runner.openSession();
  try {
    await session.eval("1"); // start the process outside the measurement, as a long-lived session would be
    const persistent = await timeIt("LuaSession (one process)", (i) => session.eval(`return ${i} * 2`));
    console.log(`ratio runChunk / session: ${(perProcess / persistent).toFixed(1)}x`);
  } finally {
    await session.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
