import { ProviderHost, type ProviderHostOptions } from "./provider-host";

/** The stack config as the engine passes it to a provider host. */
export interface StackConfig {
  /** "project:key" → value (secret values in plaintext, as the engine decrypts them). */
  values: Record<string, string>;
  /** Keys of `values` that are secret. */
  secretKeys: string[];
}

/**
 * The provider host of one engine operation (one `pulumi up`, `refresh`, …): started on first
 * use, then GetPluginInfo and Configure with the whole stack config — once per process, as the
 * engine does. The CLI starts a fresh plugin process per operation, so module-level caches in
 * provider code never survive from one operation to the next.
 */
export class HostSession {
  private started?: Promise<ProviderHost>;

  constructor(
    private readonly config: StackConfig,
    private readonly hostOptions: ProviderHostOptions,
  ) {}

  /** The configured host, starting it on first call. */
  host(): Promise<ProviderHost> {
    this.started ??= this.start();
    return this.started;
  }

  /** Stops the host if it was started; resolves to it (for its calls and logs). */
  async stop(): Promise<ProviderHost | undefined> {
    const host = await this.started?.catch(() => undefined);
    await host?.stop();
    return host;
  }

  private async start(): Promise<ProviderHost> {
    const env = { PULUMI_CONFIG: JSON.stringify(this.config.values), ...this.hostOptions.env };
    const host = await ProviderHost.start({ ...this.hostOptions, env });
    try {
      await host.getPluginInfo();
      await host.configure(this.config.values, this.config.secretKeys);
      return host;
    } catch (err) {
      await host.stop();
      throw err;
    }
  }
}
