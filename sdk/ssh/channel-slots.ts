/** A granted channel slot; call release() exactly once when the channel has closed. */
export interface ChannelLease {
  release(): void;
}

interface Waiter {
  priority: boolean;
  grant: (lease: ChannelLease) => void;
  reject: (err: unknown) => void;
}

/**
 * Counts open channels on one connection so we never exceed the server's MaxSessions: ordinary
 * work may use all but one slot; the last slot is kept for priority work (killing a timed-out
 * command must not wait behind the commands it is meant to stop).
 */
export class ChannelSlots {
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private limit: number,
    private readonly onBusyChange: (busy: boolean) => void,
  ) {}

  /** Channels currently open. */
  get inUse(): number {
    return this.active;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Waits for a slot. Priority requests may take the reserved last slot. */
  acquire(priority = false, signal?: AbortSignal): Promise<ChannelLease> {
    if (this.canGrant(priority)) return Promise.resolve(this.grant());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { priority, grant: resolve, reject };
      const onAbort = () => {
        this.remove(waiter);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiter.grant = (lease) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      if (priority) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
    });
  }

  /** The server refused a channel below our limit (its MaxSessions is lower): adopt the lower limit. */
  lowerLimit(observedMaximum: number): void {
    this.limit = Math.max(2, observedMaximum);
  }

  /** Fails every waiter (the connection died). */
  rejectAll(err: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }

  private canGrant(priority: boolean): boolean {
    return this.active < (priority ? this.limit : Math.max(1, this.limit - 1));
  }

  private grant(): ChannelLease {
    if (this.active++ === 0) this.onBusyChange(true);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        this.dispatch();
        if (this.active === 0) this.onBusyChange(false);
      },
    };
  }

  private dispatch(): void {
    while (this.waiters.length > 0 && this.canGrant(this.waiters[0]!.priority)) {
      this.waiters.shift()!.grant(this.grant());
    }
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
