import type { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import * as pulumi from "@pulumi/pulumi";
import { fromStruct } from "./struct-codec";
import type { PropertyMap } from "./property-values";

/** What the program asked for when it declared a resource (the RegisterResource request). */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Inputs exactly as serialized by the SDK: secret envelopes and unknown strings included. */
  inputs: PropertyMap;
  dependencies: string[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  /** The `import` resource option: the id of an existing object to adopt into the state ("" = none). */
  importId: string;
}

interface MockMonitorInternals {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterResourceRequest, callback: unknown): Promise<void>;
}

/**
 * Gives the mocks' newResource hook the full RegisterResource request. MockResourceArgs lacks
 * the options the engine acts on (dependencies, deleteBeforeReplace, additionalSecretOutputs,
 * ignoreChanges) and deserializes unknowns into SDK objects, so the monitor that setMocks
 * installed is wrapped: each request is queued under `type::name`, and MockMonitor calls
 * newResource synchronously for it, in the same order (runtime/mocks.js registerResource).
 */
export class RegistrationQueue {
  private readonly queued = new Map<string, Registration[]>();

  /** Wraps the monitor that the last `pulumi.runtime.setMocks` call installed. */
  constructor() {
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorInternals | undefined;
    if (!monitor || typeof monitor.newUrn !== "function") {
      throw new Error("RegistrationQueue needs the MockMonitor of pulumi.runtime.setMocks; call setMocks first");
    }
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      this.push(toRegistration(req, monitor.newUrn(req.getParent(), req.getType(), req.getName())));
      return register(req, callback);
    };
  }

  /** Takes the request behind the newResource call for `type`/`name`. */
  take(type: string, name: string): Registration {
    const registration = this.queued.get(`${type}::${name}`)?.shift();
    if (!registration) throw new Error(`no RegisterResource request was seen for ${type} ${name}`);
    return registration;
  }

  private push(registration: Registration): void {
    const key = `${registration.type}::${registration.name}`;
    this.queued.set(key, [...(this.queued.get(key) ?? []), registration]);
  }
}

function toRegistration(req: RegisterResourceRequest, urn: string): Registration {
  const parent = req.getParent();
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    inputs: fromStruct(req.getObject()),
    dependencies: [...new Set([...req.getDependenciesList(), ...(parent ? [parent] : [])])],
    deleteBeforeReplace: req.getDeletebeforereplace(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    ignoreChanges: req.getIgnorechangesList(),
    importId: req.getImportid(),
  };
}
