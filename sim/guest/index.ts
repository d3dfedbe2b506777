/** The simulator's guests: real sshd processes on loopback addresses, one isolated area per VM. */
export { createGuestHost, type SimGuestHost } from "./guest-host";
export type { GuestHostOptions } from "./guest-host-options";
export type { GuestBootSpec, GuestHost, GuestMetricsListener, GuestNic } from "./types";
