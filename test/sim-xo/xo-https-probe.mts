/**
 * Child process for the HTTPS test: runs the XO `xen-api` client against `process.argv[2]` with
 * Node's default TLS verification, trusting only what NODE_EXTRA_CA_CERTS adds (the way XO
 * users trust a self-signed host). The password comes in XO_PROBE_PASSWORD, never on argv.
 * Prints one JSON line: what the client saw, or `{error, code}`.
 */
import { createClient } from "xen-api";
import { disconnectAndWake } from "./xo-disconnect";

async function probe(url: string, user: string, password: string): Promise<object> {
  const auth = { user, password };
  const xo = createClient({ url, auth, debounce: 20, eventPollDelay: 100 });
  try {
    await xo.connect();
  } catch (error) {
    await xo.disconnect();
    return { error: (error as Error).message, code: (error as { code?: string }).code };
  }
  try {
    await xo.objectsFetched;
    const all = Object.values(xo.objects.all);
    const template = all.find((o) => o.$type === "VM" && o.name_label === "bioxen-lua-5.4")!;
    const clone: string = await xo.callAsync("VM.clone", template.$ref, "xo-https-clone");
    return {
      pool: xo.pool?.name_label,
      hosts: all.filter((o) => o.$type === "host").map((h) => h.name_label).sort(),
      clone: { ref: clone, name_label: (await xo.barrier(clone))?.name_label },
    };
  } finally {
    await disconnectAndWake(xo, url, auth);
  }
}

probe(process.argv[2], process.argv[3], process.env.XO_PROBE_PASSWORD ?? "").then((report) => {
  process.stdout.write(`${JSON.stringify(report)}\n`);
});
