import { BioxenError } from "../base/errors";

/** One VM of a cluster that could not be made, or could not be removed again. */
export interface ClusterFailure {
  id: string;
  error: Error;
}

/**
 * A cluster could not be created in full. The VMs it did make were destroyed again
 * (`rollbackFailures` lists any that could not be — remove those by hand).
 */
export class ClusterCreateError extends BioxenError {
  readonly code = "BIOXEN_CLUSTER" as const;
  /**
   * @param prefix the cluster's id prefix
   * @param size how many VMs were asked for
   * @param failures the VMs that failed to be created, with why
   * @param rolledBack ids of VMs that were created and destroyed again
   * @param rollbackFailures VMs that were created but could not be destroyed
   */
  constructor(
    readonly prefix: string,
    readonly size: number,
    readonly failures: readonly ClusterFailure[],
    readonly rolledBack: readonly string[],
    readonly rollbackFailures: readonly ClusterFailure[],
  ) {
    const failed = failures.map((f) => `${f.id}: ${f.error.message}`).join("; ");
    const leaked = rollbackFailures.length
      ? `; COULD NOT destroy ${rollbackFailures.map((f) => `${f.id} (${f.error.message})`).join(", ")} — remove them by hand`
      : "";
    super(
      `cluster ${prefix} (${size} VMs): ${failures.length} failed to be created (${failed}); ` +
        `destroyed again: ${rolledBack.join(", ") || "none"}${leaked}`,
    );
    this.name = "ClusterCreateError";
  }
}
