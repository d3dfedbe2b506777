/** The XCP-ng pool simulator: a real XAPI server (XML-RPC + JSON-RPC) with real sshd guests. */
export { startSimulator, type Simulator, type SimTraffic, type RecordedCall } from "./simulator";
export { strictCheck } from "./rpc/strict-check";
export type { SimulatorOptions } from "./options";
export type { FaultRule, FaultRuleInput, FaultAction } from "./ops/faults";
export type { LatencyOptions } from "./ops/latency";
export type { DatabaseGcOptions } from "./rpc/database-gc";
export { DEFAULT_METHOD_LATENCY } from "./ops/latency";
export { TEMPLATES, SEEDED } from "./seed";
export { NO_GUEST_TOOLS_KEY, CLOUD_INIT_KEY, NO_BAKED_KEYS_KEY } from "./methods/vm-state";
export { createFakeGuestHost, type FakeGuestOptions } from "./guest/fake-guests";
