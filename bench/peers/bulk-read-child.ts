/**
 * One side of the bulk-read comparison, in its own process so its peak RSS is its own:
 * connects over the given transport, reads `VM.get_all_records` `reads` times, prints one JSON line
 * {msPerRead (median), peakRssGrowthMB (peak RSS minus RSS after connecting)}.
 * Usage (from bench/peers/xapi.ts): node --import tsx bulk-read-child.ts <ours|xen-api> <json-rpc|xml-rpc> <url> <user> <password> <reads>
 */
import { createClient } from "xen-api";
import { XapiClient, type XapiTransportKind } from "../../sdk/xapi";
import { median } from "./rounds";

interface BulkReader {
  read(): Promise<unknown>;
  close(): Promise<unknown>;
}

async function connect(side: string, transport: XapiTransportKind, url: string, user: string, password: string): Promise<BulkReader> {
  if (side === "ours") {
    const client = await XapiClient.connect({ url, username: user, password, transport });
    return { read: () => client.call("VM.get_all_records"), close: () => client.close() };
  }
  const xo = createClient({ url, auth: { user, password }, transport, watchEvents: false });
  await xo.connect();
  return { read: () => xo.call("VM.get_all_records"), close: () => xo.disconnect() };
}

async function main(): Promise<void> {
  const [side, transport, url, user, password, reads] = process.argv.slice(2);
  const reader = await connect(side, transport as XapiTransportKind, url, user, password);
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < Number(reads); i += 1) {
    const started = performance.now();
    const records = await reader.read();
    times.push(performance.now() - started);
    count = Object.keys(records as object).length;
  }
  await reader.close();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ msPerRead: median(times), peakRssGrowthMB: (peakRss - rssBefore) / 1e6, vms: count }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
