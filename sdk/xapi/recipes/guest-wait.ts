/**
 * Waiting for a VM's guest agent to report usable addresses, through `event.from` on the VM
 * and, once it has one, its guest metrics object (never sleep-polling). The deadline error says
 * what was awaited and the likely cause.
 */
import { Wait } from "../../base/deadline";
import type { RecipeClient, WaitOptions } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError } from "./errors";
import { xapiWaitError } from "../errors";
import { parseCidr, pickGuestAddress, type Cidr } from "./guest-addresses";
import { map, str } from "./records";

/** Options for {@link waitForGuestAddresses}. */
export interface GuestAddressWait extends WaitOptions {
  /** VIF devices that must each report an address; default ["0"]. */
  devices?: string[];
  /** Per device, the CIDR the address must fall in (an IPv6 CIDR also admits IPv6 addresses). */
  expectedCidr?: Record<string, string>;
}

/** Addresses by VIF device, e.g. `{ "0": "127.77.0.5" }`. */
export type GuestAddresses = Record<string, string>;

/** What the events have shown so far. */
interface GuestState {
  vmUuid?: string;
  metrics?: string;
  networks?: Record<string, string>;
}

/**
 * Resolves once every device has a usable address (see guest-addresses.ts for the rules).
 * Deadline: an XapiRecipeError saying whether guest metrics never appeared (guest tools
 * missing?) or which addresses were reported instead. Abort: the client's XapiWaitError.
 */
export async function waitForGuestAddresses(client: RecipeClient, vm: string, options: GuestAddressWait): Promise<GuestAddresses> {
  const devices = options.devices ?? ["0"];
  const expected: Record<string, Cidr> = {};
  for (const [device, cidr] of Object.entries(options.expectedCidr ?? {})) expected[device] = parseCidr(cidr);
  const deadline = new Wait(options, `guest addresses of VM ${vm} (device ${devices.join(", ")})`, xapiWaitError);
  const state: GuestState = {};
  const addresses = (): GuestAddresses | undefined => {
    if (!state.networks) return undefined;
    const found: GuestAddresses = {};
    for (const device of devices) {
      const address = pickGuestAddress(state.networks, device, expected[device]);
      if (address === undefined) return undefined;
      found[device] = address;
    }
    return found;
  };

  try {
    for (;;) {
      // Watch the VM, plus its metrics object once known; a new metrics ref restarts the watch,
      // whose first batch reports the current state of everything watched.
      const watching = state.metrics;
      const classes = [`vm/${vm}`, ...(watching ? [`vm_guest_metrics/${watching}`] : [])];
      for await (const event of client.watchEvents(classes, { deadline: deadline.asDeadline(), signal: options.signal })) {
        applyEvent(state, vm, event);
        const found = addresses();
        if (found) return found;
        if (state.metrics !== watching) break;
      }
    }
  } catch (error) {
    const timedOut = (error as { name?: string }).name === "XapiWaitError" && !options.signal?.aborted && deadline.remainingMs() === 0;
    if (!timedOut) throw error;
    throw explainTimeout(deadline, state, devices, expected, vm, error);
  } finally {
    deadline.done();
  }
}

/** Follows the VM's guest_metrics ref and that object's networks map. */
function applyEvent(state: GuestState, vm: string, event: { class: string; ref: string; operation: string; snapshot?: Record<string, unknown> }): void {
  if (event.class === "vm" && event.ref === vm) {
    if (event.operation === "del") throw new XapiRecipeError({ step: "wait for guest addresses", object: vm }, "the VM was destroyed while waiting");
    if (!event.snapshot) return;
    state.vmUuid = str(event.snapshot, "uuid");
    const metrics = str(event.snapshot, "guest_metrics");
    state.metrics = isRealRef(metrics) ? metrics : undefined;
    if (!state.metrics) state.networks = undefined;
  } else if (event.class === "vm_guest_metrics" && event.ref === state.metrics && event.snapshot) {
    state.networks = map(event.snapshot, "networks");
  }
}

/** The deadline error: no metrics at all (guest tools?) or the addresses that were reported. */
function explainTimeout(
  deadline: Wait,
  state: GuestState,
  devices: string[],
  expected: Record<string, Cidr>,
  vm: string,
  cause: unknown,
): Error {
  const seconds = Math.round((Date.now() - deadline.startedAt) / 100) / 10;
  const object = `VM ${state.vmUuid ?? vm}`;
  if (!state.networks) {
    return new XapiRecipeError(
      { step: "wait for guest addresses", object, hint: "are guest tools (xe-guest-utilities) installed in the template?", quietCause: true },
      `no guest metrics after ${seconds} s`,
      cause,
    );
  }
  const wanted = devices.map((d) => `${d}${expected[d] ? ` in ${expected[d]!.text}` : ""}`).join(", ");
  return new XapiRecipeError(
    {
      step: "wait for guest addresses",
      object,
      hint: "check the VM's network (DHCP, VLAN) and the expected CIDR; link-local addresses are never used",
      quietCause: true,
    },
    `no usable address for device ${wanted} after ${seconds} s; the guest reported ${JSON.stringify(state.networks)}`,
    cause,
  );
}
