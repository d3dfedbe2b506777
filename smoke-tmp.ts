import { execFileSync } from "node:child_process";
import { startSimulator } from "./sim";
(async () => {
  for (const opts of [{ https: true }, { https: false }, { https: false, jsonRpc: false }]) {
    const sim = await startSimulator({ guests: false, ...opts });
    try { console.log(execFileSync("node", ["/tmp/xo/try.mjs", sim.url, sim.password], { encoding: "utf8", timeout: 30000, env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: "0" } })); }
    catch (e: any) { console.log("FAILED", e.stdout, e.stderr); }
    await sim.stop();
  }
})();
