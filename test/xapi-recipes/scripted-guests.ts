/**
 * A guest layer for the simulator (its `guests` option) whose agent reports exactly what the
 * test tells it to — e.g. a link-local address first, as DHCP races do on real guests.
 */
import type { GuestHost, GuestMetricsListener } from "../../sim/guest/types";

/** The guest layer plus the handle to make a guest report. */
export interface ScriptedGuests extends GuestHost {
  /** Makes the running guest `vmUuid` report `networks`; throws if it is not running or has no tools. */
  report(vmUuid: string, networks: Record<string, string>): void;
}

/** Creates a guest layer that never reports on its own. */
export function createScriptedGuests(): ScriptedGuests {
  const listeners = new Map<string, GuestMetricsListener>();
  return {
    async start(spec, onMetrics) {
      if (spec.hasGuestTools) listeners.set(spec.vmUuid, onMetrics);
    },
    async plugNic() {},
    async unplugNic() {},
    async stop(vmUuid) {
      listeners.delete(vmUuid);
    },
    async destroy(vmUuid) {
      listeners.delete(vmUuid);
    },
    async dispose() {
      listeners.clear();
    },
    report(vmUuid, networks) {
      const listener = listeners.get(vmUuid);
      if (!listener) throw new Error(`test set-up: guest ${vmUuid} is not running with guest tools`);
      listener(networks);
    },
  };
}
