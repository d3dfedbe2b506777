import { remainingOf, type DeadlineInput } from "../../base/deadline";
import type { LuaVM } from "../types";
import { luaSocketClient, luaSocketServer, peerToPeer } from "./programs";
import { parseReport } from "./report";
import { runTogether } from "./run-on-vms";

/** Options of {@link exchangeMessages}. */
export interface ExchangeOptions {
  /** Port the server VM listens on. */
  port: number;
  /** Lines the client sends (each answered by the server). */
  messages: readonly string[];
  /** Address the server listens on and the client connects to (default: the server VM's address). */
  host?: string;
  /** Put before each answer (default "echo: "). */
  replyPrefix?: string;
  /** Deadline of both programs: a Deadline, or milliseconds from now (default 20 000 ms). */
  deadline?: DeadlineInput;
  signal?: AbortSignal;
}

/** A line one VM received from another, and from where (`address:port`). */
export interface ReceivedLine {
  from: string;
  text: string;
}

/** What a server/client exchange produced, as each side reported it. */
export interface MessageExchange {
  /** The lines the server received. */
  received: ReceivedLine[];
  /** The answers the client received. */
  replies: string[];
}

/**
 * Starts the LuaSocket server program on `server` and the client program on `client` (which
 * retries until the server listens), and returns what each side received.
 */
export async function exchangeMessages(server: LuaVM, client: LuaVM, options: ExchangeOptions): Promise<MessageExchange> {
  const host = options.host ?? server.describe().address;
  const timeoutMs = remainingOf(options.deadline, "exchangeMessages");
  const [served, asked] = await runTogether(
    [
      { vm: server, program: luaSocketServer({ host, port: options.port, replyPrefix: options.replyPrefix, timeoutMs }) },
      { vm: client, program: luaSocketClient({ host, port: options.port, messages: options.messages, timeoutMs }) },
    ],
    options.signal,
  );
  return {
    received: parseReport(served!.stdout, { received: 2 }).map(({ fields: [from, text] }) => ({ from: from!, text: text! })),
    replies: parseReport(asked!.stdout, { reply: 1 }).map(({ fields: [text] }) => text!),
  };
}

/** One peer of a {@link peerExchange}. */
export interface Peer {
  vm: LuaVM;
  /** Port it listens on. */
  port: number;
  /** Line it sends to the other peer. */
  message: string;
  /** Address it listens on and the other connects to (default: the VM's address). */
  host?: string;
}

/** What one peer reported: the other's message and the acknowledgement of its own. */
export interface PeerReport {
  id: string;
  received: ReceivedLine;
  ack: string;
}

/**
 * Runs the peer-to-peer program on two VMs at once: each listens, sends its message to the other,
 * receives and acknowledges the other's. Returns both peers' reports.
 */
export async function peerExchange(a: Peer, b: Peer, options: { deadline?: DeadlineInput; signal?: AbortSignal } = {}): Promise<[PeerReport, PeerReport]> {
  const hostOf = (peer: Peer) => peer.host ?? peer.vm.describe().address;
  const timeoutMs = remainingOf(options.deadline, "peerExchange");
  const programFor = (self: Peer, other: Peer) =>
    peerToPeer({ listenHost: hostOf(self), listenPort: self.port, peerHost: hostOf(other), peerPort: other.port, message: self.message, timeoutMs });
  const results = await runTogether(
    [
      { vm: a.vm, program: programFor(a, b) },
      { vm: b.vm, program: programFor(b, a) },
    ],
    options.signal,
  );
  const reportOf = (peer: Peer, stdout: string): PeerReport => {
    const lines = parseReport(stdout, { received: 2, ack: 1 });
    const received = lines.find((l) => l.kind === "received");
    const ack = lines.find((l) => l.kind === "ack");
    if (!received || !ack) throw new Error(`peer ${peer.vm.id}: the peer program ended without reporting its exchange: ${stdout.slice(0, 500)}`);
    return { id: peer.vm.id, received: { from: received.fields[0]!, text: received.fields[1]! }, ack: ack.fields[0]! };
  };
  return [reportOf(a, results[0]!.stdout), reportOf(b, results[1]!.stdout)];
}
