/** The latency model: how long each method takes, scaled by one factor. */

/** Latency settings: per-method delays in ms, a default range and a global scale factor. */
export interface LatencyOptions {
  /** Delay by method name without the `Async.` prefix, e.g. `{"VM.clone": 50}`. Merged over the defaults. */
  methods?: Record<string, number>;
  /** Random delay range `[min, max]` ms for methods not listed. Default `[0, 2]`. */
  defaultRange?: [number, number];
  /** Multiplies every delay; 0 makes the simulator answer at once. Default 1. */
  scale?: number;
}

/** Delays a real pool shows for slow operations (ms, before scaling). */
export const DEFAULT_METHOD_LATENCY: Readonly<Record<string, number>> = {
  "VM.clone": 50,
  "VM.copy": 150,
  "VM.provision": 80,
  "VM.start": 100,
  "VM.clean_shutdown": 80,
  "VM.hard_shutdown": 40,
  "VM.clean_reboot": 120,
  "VM.hard_reboot": 80,
  "VM.destroy": 20,
  "VDI.create": 20,
  "VDI.copy": 100,
  "VDI.resize": 30,
  "VDI.resize_online": 30,
};

/** The live latency model; change it while the simulator runs with `set`. */
export class Latency {
  private methods: Record<string, number>;
  private range: [number, number];
  private scale: number;

  constructor(options: LatencyOptions = {}) {
    this.methods = { ...DEFAULT_METHOD_LATENCY };
    this.range = [0, 2];
    this.scale = 1;
    this.set(options);
  }

  /** Changes some settings; others stay. */
  set(options: LatencyOptions): void {
    if (options.methods) this.methods = { ...this.methods, ...options.methods };
    if (options.defaultRange) this.range = options.defaultRange;
    if (options.scale !== undefined) {
      if (!(options.scale >= 0)) throw new RangeError(`latency scale must be ≥ 0, got ${options.scale}`);
      this.scale = options.scale;
    }
  }

  /** The delay for one call of `method` (without `Async.`), in ms. */
  delayFor(method: string): number {
    const base = this.methods[method] ?? this.range[0] + Math.random() * (this.range[1] - this.range[0]);
    return base * this.scale;
  }
}
