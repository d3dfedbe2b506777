import type { ChildProcess } from "node:child_process";
import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type {
  CheckResponse, ConfigureResponse, CreateResponse, DiffResponse, ReadResponse, UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import type { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { startHostProcess, stopHostProcess, type HostLogLine, type HostProcessOptions } from "./host-process";
import { toProviderCallError } from "./provider-errors";
import type { CheckResult, ConfigureResult, CreateResult, DiffResult, ProviderCall, ReadResult } from "./provider-results";
import { emptyPb, grpc, providerGrpc, providerPb } from "./pulumi-modules";
import { secret, type PropertyMap } from "./property-values";
import { fromStruct, toStruct } from "./struct-codec";

/** How to start a ProviderHost. */
export interface ProviderHostOptions extends Partial<Omit<HostProcessOptions, "signal">> {
  /** Deadline of each gRPC call. Default 30 s. */
  callTimeoutMs?: number;
  /** Aborts the start and every call in flight. */
  signal?: AbortSignal;
}

/** Extra fields the engine sends with Diff, Update and Delete. */
export interface OldInputsOption {
  /** The resource's previous inputs (DiffRequest/UpdateRequest/DeleteRequest.old_inputs). */
  oldInputs?: PropertyMap;
}

type Unary<Res> = (
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (err: ServiceError | null, res: Res) => void,
) => ClientUnaryCall;

const DIFF_CHANGES = { 0: "unknown", 1: "none", 2: "some" } as const;

/**
 * A real `@pulumi/pulumi/cmd/dynamic-provider` process driven over gRPC, exactly as the Pulumi
 * engine drives it. Values are plain JSON with secret envelopes and the unknown sentinel
 * (see property-values.ts). Failed calls reject with ProviderCallError.
 */
export class ProviderHost {
  /** Every call made, in order. */
  readonly calls: ProviderCall[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    private readonly hostLogs: HostLogLine[],
    private readonly callTimeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Starts a host in `options.cwd` (default: the repository root, where node_modules resolve). */
  static async start(options: ProviderHostOptions = {}): Promise<ProviderHost> {
    const started = await startHostProcess({ ...options, cwd: options.cwd ?? process.cwd() });
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    return new ProviderHost(started.child, client, started.logs, options.callTimeoutMs ?? 60_000, options.signal);
  }

  /** The host's stdout (after the port line) and stderr lines so far. */
  get logs(): readonly HostLogLine[] {
    return this.hostLogs;
  }

  /** GetPluginInfo: the @pulumi/pulumi version the host runs. */
  async getPluginInfo(): Promise<{ version: string }> {
    const info = await this.unary<PluginInfo>("getPluginInfo", "", (m, o, cb) => this.client.getPluginInfo(new emptyPb.Empty(), m, o, cb));
    return { version: info.getVersion() };
  }

  /**
   * Configure with the whole stack config ("project:key" → value), as the engine sends it:
   * `args` is always a Struct (secret keys wrapped in the secret envelope), `variables` carries
   * the same plain strings, and acceptSecrets/acceptResources are set. The dynamic host only
   * stores the config here: it calls the provider object's `configure` lazily, once per distinct
   * `__provider` text per process, on that provider's first Check/Diff/Create/Read/Update/Delete.
   */
  async configure(config: Record<string, string>, secretKeys: Iterable<string> = []): Promise<ConfigureResult> {
    const secrets = new Set(secretKeys);
    const req = new providerPb.ConfigureRequest();
    const args: PropertyMap = {};
    for (const [key, value] of Object.entries(config)) {
      req.getVariablesMap().set(key, value);
      args[key] = secrets.has(key) ? secret(value) : value;
    }
    req.setArgs(toStruct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    // The harness sends old inputs with Diff, Update and Delete, as current engines announce.
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    const res = await this.unary<ConfigureResponse>("configure", "", (m, o, cb) => this.client.configure(req, m, o, cb));
    return {
      acceptSecrets: res.getAcceptsecrets(),
      acceptResources: res.getAcceptresources(),
      acceptOutputs: res.getAcceptoutputs(),
      supportsPreview: res.getSupportspreview(),
    };
  }

  /** Check(olds = previous inputs, news = new inputs incl. `__provider`). */
  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const req = new providerPb.CheckRequest();
    setUrn(req, urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.unary<CheckResponse>("check", urn, (m, o, cb) => this.client.check(req, m, o, cb));
    const failures = res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    return { inputs: fromStruct(res.getInputs()), failures };
  }

  /** Diff(id, olds = previous OUTPUTS, news = checked inputs). */
  async diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options: OldInputsOption & { ignoreChanges?: string[] } = {}): Promise<DiffResult> {
    const req = new providerPb.DiffRequest();
    setUrn(req, urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (options.oldInputs) req.setOldInputs(toStruct(options.oldInputs));
    req.setIgnorechangesList(options.ignoreChanges ?? []);
    const res = await this.unary<DiffResponse>("diff", urn, (m, o, cb) => this.client.diff(req, m, o, cb));
    return {
      changes: DIFF_CHANGES[res.getChanges()],
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  /** Create(properties = checked inputs). A failure carrying an id rejects with `initFailure` set. */
  async create(urn: string, properties: PropertyMap): Promise<CreateResult> {
    const req = new providerPb.CreateRequest();
    setUrn(req, urn);
    req.setProperties(toStruct(properties));
    const res = await this.unary<CreateResponse>("create", urn, (m, o, cb) => this.client.create(req, m, o, cb));
    return { id: res.getId(), properties: fromStruct(res.getProperties()) };
  }

  /** Read(id, properties = current outputs, inputs = current inputs), as refresh does. */
  async read(id: string, urn: string, properties: PropertyMap, inputs?: PropertyMap): Promise<ReadResult> {
    const req = new providerPb.ReadRequest();
    setUrn(req, urn);
    req.setId(id);
    req.setProperties(toStruct(properties));
    if (inputs) req.setInputs(toStruct(inputs));
    const res = await this.unary<ReadResponse>("read", urn, (m, o, cb) => this.client.read(req, m, o, cb));
    const result: ReadResult = { id: res.getId(), properties: fromStruct(res.getProperties()) };
    if (res.hasInputs()) result.inputs = fromStruct(res.getInputs());
    return result;
  }

  /** Update(id, olds = previous OUTPUTS, news = checked inputs); resolves to the new outputs. */
  async update(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options: OldInputsOption = {}): Promise<PropertyMap> {
    const req = new providerPb.UpdateRequest();
    setUrn(req, urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (options.oldInputs) req.setOldInputs(toStruct(options.oldInputs));
    const res = await this.unary<UpdateResponse>("update", urn, (m, o, cb) => this.client.update(req, m, o, cb));
    return fromStruct(res.getProperties());
  }

  /** Delete(id, properties = current outputs). */
  async delete(id: string, urn: string, properties: PropertyMap, options: OldInputsOption = {}): Promise<void> {
    const req = new providerPb.DeleteRequest();
    setUrn(req, urn);
    req.setId(id);
    req.setProperties(toStruct(properties));
    if (options.oldInputs) req.setOldInputs(toStruct(options.oldInputs));
    await this.unary<Empty>("delete", urn, (m, o, cb) => this.client.delete(req, m, o, cb));
  }

  /**
   * Closes the channel and stops the host as the engine does: SIGINT, so the provider can clean
   * up (log its XAPI sessions out), then SIGKILL when it has not exited after 1 s
   * (`HOST_STOP_GRACE_MS`). Resolves once it is gone. The host never exits by itself while this
   * process lives; if this process dies first, the host's orphan guard ends it (host-process.ts).
   */
  async stop(): Promise<void> {
    this.client.close();
    await stopHostProcess(this.child);
  }

  private unary<Res>(method: string, urn: string, invoke: Unary<Res>): Promise<Res> {
    this.calls.push({ method, urn });
    return new Promise<Res>((resolve, reject) => {
      if (this.signal?.aborted) return reject(new Error(`provider ${method} of ${urn || "host"} aborted before it started`));
      const call = invoke(new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err, res) => {
        this.signal?.removeEventListener("abort", onAbort);
        if (err) reject(toProviderCallError(method, urn, err));
        else resolve(res);
      });
      const onAbort = () => call.cancel();
      this.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

interface UrnRequest {
  setUrn(value: string): unknown;
  setType(value: string): unknown;
  setName(value: string): unknown;
}

/** Sets urn, type and name as the engine does (type and name are the URN's last two parts). */
function setUrn(req: UrnRequest, urn: string): void {
  const parts = urn.split("::");
  req.setUrn(urn);
  req.setType((parts[2] ?? "").split("$").pop() ?? "");
  req.setName(parts.slice(3).join("::"));
}
