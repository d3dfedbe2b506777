/**
 * The one limiter of the project: a semaphore whose waiters queue in arrival order and give up at
 * their deadline or on their signal, without breaking the queue. {@link KeyedSemaphore} keeps one
 * per key (a mutex per key with limit 1).
 */
import { Deadline, type DeadlineOptions } from "./deadline";
import { WaitError, type WaitEnd } from "./errors";

/** A granted slot; `release()` frees it (calling it again does nothing). */
export interface SlotLease {
  release(): void;
}

/** How one caller waits for a slot. */
export interface SlotWaitOptions extends DeadlineOptions {
  /** Names the waiting work in errors, e.g. `create VM web-1` (default "work"). */
  what?: string;
  /** Goes to the front of the queue and may take the reserved slots. */
  priority?: boolean;
  /**
   * What the wait rejects with when it ends early (default: a {@link WaitError} saying no slot was
   * free in time, or that the wait was aborted, with the signal's reason as `cause`).
   */
  fail?: (end: WaitEnd, waitedMs: number) => unknown;
}

/** Options of a {@link Semaphore}. */
export interface SemaphoreOptions {
  /** Slots only priority waiters may take (default 0). */
  reserved?: number;
  /** Called with true when the first slot is taken, false when the last one is freed. */
  onBusyChange?: (busy: boolean) => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  priority: boolean;
  grant(lease: SlotLease): void;
  reject(error: unknown): void;
}

/** At most `limit` holders at a time; the rest wait in order of arrival (priority waiters first). */
export class Semaphore {
  private active = 0;
  private readonly waiters: Waiter[] = [];

  private limit: number;

  /**
   * @param limit how many slots: an integer ≥ 1 (changeable with {@link Semaphore.setLimit})
   * @param options reserved slots and a busy callback
   */
  constructor(
    limit: number,
    private readonly options: SemaphoreOptions = {},
  ) {
    this.limit = validLimit(limit);
  }

  /** How many slots are taken, and how many callers wait. */
  stats(): { running: number; waiting: number } {
    return { running: this.active, waiting: this.waiters.length };
  }

  /** Changes the number of slots (waiters are granted at once if the limit grew). */
  setLimit(limit: number): void {
    this.limit = validLimit(limit);
    this.dispatch();
  }

  /** Waits for a slot: rejects at the deadline or on abort (see {@link SlotWaitOptions.fail}). */
  acquire(options: SlotWaitOptions = {}): Promise<SlotLease> {
    const startedAt = Date.now();
    const allowedMs = options.deadline === undefined ? undefined : typeof options.deadline === "number" ? options.deadline : options.deadline.remainingMs();
    const fail = (end: WaitEnd) => (options.fail ?? this.defaultFail(options, allowedMs))(end, Date.now() - startedAt);
    if (options.signal?.aborted) return Promise.reject(fail("aborted"));
    const priority = options.priority ?? false;
    if (this.canGrant(priority)) return Promise.resolve(this.grant());
    return new Promise<SlotLease>((resolve, reject) => {
      const leave = (end: WaitEnd) => {
        cleanup();
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(fail(end));
      };
      const onAbort = () => leave("aborted");
      const remaining = options.deadline === undefined ? undefined : Deadline.from(options.deadline, options.what ?? "a free slot").remainingMs();
      const timer = remaining === undefined || remaining > MAX_TIMER_MS ? undefined : setTimeout(() => leave("timeout"), remaining);
      const cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        priority,
        grant: (lease) => {
          cleanup();
          resolve(lease);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (priority) this.waiters.unshift(waiter);
      else this.waiters.push(waiter);
    });
  }

  /** Waits for a slot, runs `work`, frees the slot when `work` settles. */
  async run<T>(work: () => Promise<T>, options: SlotWaitOptions = {}): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await work();
    } finally {
      lease.release();
    }
  }

  /** Fails every waiter with `error` (e.g. the resource behind the slots is gone). */
  rejectAll(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private canGrant(priority: boolean): boolean {
    const reserved = this.options.reserved ?? 0;
    return this.active < (priority ? this.limit : Math.max(1, this.limit - reserved));
  }

  private grant(): SlotLease {
    if (this.active++ === 0) this.options.onBusyChange?.(true);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        this.dispatch();
        if (this.active === 0) this.options.onBusyChange?.(false);
      },
    };
  }

  private dispatch(): void {
    while (this.waiters.length > 0 && this.canGrant(this.waiters[0]!.priority)) {
      this.waiters.shift()!.grant(this.grant());
    }
  }

  private defaultFail(options: SlotWaitOptions, allowedMs: number | undefined): (end: WaitEnd, waitedMs: number) => WaitError {
    const what = options.what ?? "work";
    return (end, waitedMs) =>
      new WaitError(`a free slot for ${what}`, end, waitedMs, {
        cause: end === "aborted" ? options.signal?.reason : undefined,
        message:
          end === "aborted"
            ? `${what}: aborted while waiting for a free slot`
            : `${what}: no free slot within ${allowedMs ?? waitedMs} ms (limit ${this.limit}, ${this.active} running); raise the limit or the deadline`,
      });
  }
}

function validLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`slot limit ${limit} is invalid: use an integer ≥ 1`);
  return limit;
}

/** One {@link Semaphore} per key, made on first use and dropped when idle. */
export class KeyedSemaphore {
  private readonly semaphores = new Map<string, Semaphore>();

  /** @param limitFor the number of slots of a key (read at every acquire, so it may change) */
  constructor(private readonly limitFor: (key: string) => number) {}

  /** Waits for a slot of `key`, runs `work`, frees the slot when `work` settles. */
  async run<T>(key: string, work: () => Promise<T>, options: SlotWaitOptions = {}): Promise<T> {
    const semaphore = this.semaphores.get(key) ?? new Semaphore(this.limitFor(key));
    this.semaphores.set(key, semaphore);
    semaphore.setLimit(this.limitFor(key));
    try {
      return await semaphore.run(work, options);
    } finally {
      const { running, waiting } = semaphore.stats();
      if (running === 0 && waiting === 0) this.semaphores.delete(key);
    }
  }

  /** How many hold / wait for a slot of `key`. */
  stats(key: string): { running: number; waiting: number } {
    return this.semaphores.get(key)?.stats() ?? { running: 0, waiting: 0 };
  }
}
