/** LuaSocket between VMs: runnable server, client and peer programs, and helpers that run them on two VMs. */
export { luaSocketServer, luaSocketClient, peerToPeer } from "./programs";
export type { LuaProgram, LuaSocketServerOptions, LuaSocketClientOptions, PeerToPeerOptions } from "./programs";
export { runLuaProgram, runTogether } from "./run-on-vms";
export { exchangeMessages, peerExchange } from "./exchange";
export type { ExchangeOptions, MessageExchange, ReceivedLine, Peer, PeerReport } from "./exchange";
export { parseReport, type ReportLine } from "./report";
