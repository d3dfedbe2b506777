import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVm, exchangeMessages, luaSocketClient, luaSocketServer, peerExchange, peerToPeer, runTogether, type LuaVM } from "../../sdk/vm";
import { heldBy, probeSeesAbortSignalAny } from "../support/signal-probe";
import { freePort } from "../support/sshd";

let parentDir: string;
let alice: LuaVM;
let bob: LuaVM;

beforeAll(async () => {
  parentDir = await mkdtemp(join(tmpdir(), "bioxen-vm-socket-"));
  [alice, bob] = await Promise.all([createVm("alice", { parentDir }), createVm("bob", { parentDir })]);
});

afterAll(async () => {
  await Promise.allSettled([alice?.destroy(), bob?.destroy()]);
  if (parentDir) await rm(parentDir, { recursive: true, force: true });
});

describe("LuaSocket between two local VMs", () => {
  it("server and client exchange lines over 127.0.0.1 (FASTA headers and tabs intact)", async () => {
    const port = await freePort();
    const messages = [">seq1 chr1", "GC\tcontent 0.5", "$(not a shell)"];
    const exchange = await exchangeMessages(alice, bob, { port, messages, replyPrefix: "got " });
    expect(exchange.received.map((r) => r.text)).toEqual(messages);
    expect(exchange.received[0]!.from).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(exchange.replies).toEqual(messages.map((m) => `got ${m}`));
  });

  it("two peers each send a message and get it acknowledged; the caller's signal is left as it was", async () => {
    expect(probeSeesAbortSignalAny()).toBe(true);
    const [portA, portB] = [await freePort(), await freePort()];
    const appLifetime = new AbortController().signal;
    const [a, b] = await peerExchange({ vm: alice, port: portA, message: "hello from alice" }, { vm: bob, port: portB, message: "hello from bob" }, { signal: appLifetime });
    expect(heldBy(appLifetime)).toEqual({ listeners: 0, dependants: 0 });
    expect(a).toMatchObject({ id: "alice", received: { text: "hello from bob" }, ack: "ack hello from alice" });
    expect(b).toMatchObject({ id: "bob", received: { text: "hello from alice" }, ack: "ack hello from bob" });
  });

  it("programs run together: the first failure ends the others and is thrown; so does the caller's abort", async () => {
    const spin = { code: "while true do end", args: [], chunkName: "spin", timeoutMs: 30_000 };
    const fail = { code: 'error("no such gene")', args: [], chunkName: "fail", timeoutMs: 30_000 };
    const started = Date.now();
    await expect(runTogether([{ vm: alice, program: spin }, { vm: bob, program: fail }])).rejects.toThrow(/fail on VM bob .*no such gene/s);
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error("stopped by the caller")), 300);
    await expect(runTogether([{ vm: alice, program: spin }, { vm: bob, program: spin }], caller.signal)).rejects.toThrow(/aborted/);
    // Neither waited for the spinning program's own 30 s deadline.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("a client with nobody listening fails at its deadline with the reason", async () => {
    const port = await freePort();
    const client = luaSocketClient({ host: "127.0.0.1", port, messages: ["x"], timeoutMs: 300 });
    const result = await bob.execute(client.code, { args: client.args, deadline: 10_000 });
    expect(result.success).toBe(false);
    expect(result.stderr).toMatch(/could not connect to 127\.0\.0\.1:\d+ before the deadline: connection refused/);
  });

  it("programs are constant code; parameters are arguments and are validated", () => {
    const one = luaSocketServer({ host: "127.0.0.1", port: 4000 });
    const two = luaSocketServer({ host: "10.0.0.1", port: 5000, replyPrefix: "'); os.exit(1) --" });
    expect(two.code).toBe(one.code);
    expect(two.args).toContain("'); os.exit(1) --");
    expect(() => luaSocketClient({ host: "127.0.0.1", port: 1, messages: ["a\nb"] })).toThrow(/line breaks/);
    expect(() => peerToPeer({ listenHost: "127.0.0.1; rm", listenPort: 1, peerHost: "x", peerPort: 2, message: "m" })).toThrow(/not an address/);
    expect(() => luaSocketServer({ host: "127.0.0.1", port: 70000 })).toThrow(/1–65535/);
  });
});
