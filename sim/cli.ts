/**
 * `bioxen-luavm-sim`: runs the pool simulator until SIGINT/SIGTERM. Prints one JSON line
 * `{"url","username","password",…}` on stdout once ready; logs go to stderr.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startSimulator, type Simulator } from "./simulator";
import type { SimulatorOptions } from "./options";

const USAGE = `usage: bioxen-luavm-sim [--port N] [--host H] [--https] [--boot-delay MS] [--authorized-keys FILE] [--address-base A.B]
                        [--username U] [--password P] [--login-delay MS] [--no-jsonrpc] [--fake-guests]
                        [--forward-to HOST:PORT] [--session-timeout MS]`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`--${name} needs a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** `HOST:PORT` (an IPv6 host in brackets: `[::1]:22`). */
function forwardTarget(text: string | undefined): { host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new Error(`--forward-to needs HOST:PORT of an sshd (e.g. 127.0.0.1:22), got ${JSON.stringify(text)}`);
  return { host: match[1] ?? match[2]!, port };
}

/** Two octets of 127.0.0.0/8 (`127.N`), where guest addresses come from. */
function addressBase(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const match = /^127\.(\d{1,3})$/.exec(text);
  if (!match || Number(match[1]) > 255) throw new Error(`--address-base needs two octets of 127.0.0.0/8 such as 127.77, got ${JSON.stringify(text)}`);
  return text;
}

function keysFrom(file: string | undefined): string[] {
  if (file === undefined) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Turns the command line into simulator options. */
export function optionsFromArgv(argv: readonly string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      https: { type: "boolean" },
      "boot-delay": { type: "string" },
      "authorized-keys": { type: "string" },
      "address-base": { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      "login-delay": { type: "string" },
      "no-jsonrpc": { type: "boolean" },
      "fake-guests": { type: "boolean" },
      "forward-to": { type: "string" },
      "session-timeout": { type: "string" },
    },
    strict: true,
  });
  const forwardTo = forwardTarget(values["forward-to"]);
  const sessionTimeoutMs = integer("session-timeout", values["session-timeout"]);
  const base = addressBase(values["address-base"]);
  const bootDelayMs = integer("boot-delay", values["boot-delay"]);
  if (sessionTimeoutMs === 0) throw new Error("--session-timeout needs at least 1 ms");
  return {
    port: integer("port", values.port),
    host: values.host,
    https: values.https ?? false,
    username: values.username,
    password: values.password,
    loginFailureDelayMs: integer("login-delay", values["login-delay"]),
    jsonRpc: !values["no-jsonrpc"],
    // Forwarding needs fake guests: each started guest's address then leads to that one sshd.
    guests: values["fake-guests"] || forwardTo ? false : undefined,
    fakeGuests: { reportDelayMs: bootDelayMs, forwardTo, addressBase: base },
    databaseGc: sessionTimeoutMs === undefined ? undefined : { inactiveSessionTimeoutMs: sessionTimeoutMs },
    guest: { authorizedKeys: keysFrom(values["authorized-keys"]), bootDelayMs, addressBase: base },
  };
}

/**
 * Runs the simulator CLI.
 * @param argv the arguments after the program name
 */
export async function main(argv: readonly string[]): Promise<void> {
  let sim: Simulator;
  try {
    sim = await startSimulator(optionsFromArgv(argv));
  } catch (error) {
    process.stderr.write(`bioxen-luavm-sim: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const shutdown = (signal: string) => {
    process.stderr.write(`bioxen-luavm-sim: ${signal}, stopping\n`);
    sim.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`bioxen-luavm-sim: stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  const ready: Record<string, string> = { url: sim.url, username: sim.username, password: sim.password };
  if (sim.slaveUrl) ready.slaveUrl = sim.slaveUrl;
  if (sim.certificateFingerprint256) ready.certificateFingerprint256 = sim.certificateFingerprint256;
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.stderr.write(`bioxen-luavm-sim: serving XAPI at ${sim.url}\n`);
}

if (require.main === module) void main(process.argv.slice(2));
