import { CLIENT_PROGRAM, PEER_PROGRAM, SERVER_PROGRAM } from "./lua-programs";

/** A runnable Lua program: constant code plus the arguments it reads as `...`. */
export interface LuaProgram {
  code: string;
  args: string[];
  /** Name in error messages. */
  chunkName: string;
  /** The program's own deadline in milliseconds (run it with a slightly larger timeoutMs). */
  timeoutMs: number;
}

/** Options of {@link luaSocketServer}. */
export interface LuaSocketServerOptions {
  /** Address to listen on ("127.0.0.1", the VM's address, "*" for all). */
  host: string;
  port: number;
  /** How many client connections to serve before exiting (default 1). */
  connections?: number;
  /** Put before each line sent back (default "echo: "). */
  replyPrefix?: string;
  /** The program gives up after this long (default 20 000 ms). */
  timeoutMs?: number;
}

/** Options of {@link luaSocketClient}. */
export interface LuaSocketClientOptions {
  /** The server's address and port. */
  host: string;
  port: number;
  /** Lines to send, one at a time, each answered by the server (no newlines inside). */
  messages: readonly string[];
  /** The program gives up after this long, connection retries included (default 20 000 ms). */
  timeoutMs?: number;
}

/** Options of {@link peerToPeer}. */
export interface PeerToPeerOptions {
  /** Where this peer listens. */
  listenHost: string;
  listenPort: number;
  /** Where the other peer listens. */
  peerHost: string;
  peerPort: number;
  /** The line sent to the other peer (no newlines inside). */
  message: string;
  /** The program gives up after this long (default 20 000 ms). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

/** The LuaSocket server program: answers each line with prefix + line and reports what it received. */
export function luaSocketServer(options: LuaSocketServerOptions): LuaProgram {
  const connections = options.connections ?? 1;
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`luaSocketServer: connections ${connections} must be an integer ≥ 1`);
  const timeoutMs = checkTimeout(options.timeoutMs, "luaSocketServer");
  const replyPrefix = checkLine(options.replyPrefix ?? "echo: ", "luaSocketServer replyPrefix");
  const args = [checkHost(options.host, "luaSocketServer host"), checkPort(options.port, "luaSocketServer port"), String(connections), seconds(timeoutMs), replyPrefix];
  return { code: SERVER_PROGRAM, args, chunkName: "luasocket-server", timeoutMs };
}

/** The LuaSocket client program: connects (retrying until the server listens), sends each message, reports each reply. */
export function luaSocketClient(options: LuaSocketClientOptions): LuaProgram {
  const timeoutMs = checkTimeout(options.timeoutMs, "luaSocketClient");
  const messages = options.messages.map((m, i) => checkLine(m, `luaSocketClient messages[${i}]`));
  const args = [checkHost(options.host, "luaSocketClient host"), checkPort(options.port, "luaSocketClient port"), seconds(timeoutMs), ...messages];
  return { code: CLIENT_PROGRAM, args, chunkName: "luasocket-client", timeoutMs };
}

/** The peer-to-peer program: listens, sends its message to the other peer, receives and acknowledges the other's. */
export function peerToPeer(options: PeerToPeerOptions): LuaProgram {
  const timeoutMs = checkTimeout(options.timeoutMs, "peerToPeer");
  const args = [
    checkHost(options.listenHost, "peerToPeer listenHost"),
    checkPort(options.listenPort, "peerToPeer listenPort"),
    checkHost(options.peerHost, "peerToPeer peerHost"),
    checkPort(options.peerPort, "peerToPeer peerPort"),
    seconds(timeoutMs),
    checkLine(options.message, "peerToPeer message"),
  ];
  return { code: PEER_PROGRAM, args, chunkName: "luasocket-peer", timeoutMs };
}

function checkTimeout(timeoutMs: number | undefined, who: string): number {
  const value = timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${who}: timeoutMs ${value} must be a positive number`);
  return value;
}

function checkPort(port: number, what: string): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} ${port} must be an integer 1–65535`);
  return String(port);
}

function checkHost(host: string, what: string): string {
  if (!/^(\*|[A-Za-z0-9.:-]+)$/.test(host)) throw new Error(`${what} ${JSON.stringify(host)} is not an address or host name`);
  return host;
}

/** Messages travel as lines, so they cannot hold line breaks. */
function checkLine(text: string, what: string): string {
  if (/[\r\n]/.test(text)) throw new Error(`${what} must not contain line breaks (messages travel as lines)`);
  return text;
}

function seconds(ms: number): string {
  return String(ms / 1000);
}
