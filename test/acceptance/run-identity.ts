/**
 * One acceptance run's identity: every object it creates carries the run's marker (the Pulumi
 * project is {@link ACCEPTANCE_PROJECT} and the stack is the run id, so owner markers read
 * `bioxen-acceptance/<run id>/<type>/<name>`) and, where XAPI has names, the run's name prefix.
 */
import { randomBytes } from "node:crypto";

/** The Pulumi project of every acceptance run: the first part of its objects' owner markers. */
export const ACCEPTANCE_PROJECT = "bioxen-acceptance";

const RUN_ID = /^acc-[0-9a-z]{6,20}$/;

/** A new run id: `acc-` + time + randomness, lowercase, valid as a Pulumi stack name. */
export function newRunId(now = Date.now()): string {
  return `acc-${now.toString(36)}${randomBytes(3).toString("hex")}`;
}

/** Validates a run id given from outside (the runner passes it to the suite). */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`acceptance: run id ${JSON.stringify(runId)} must match ${RUN_ID}`);
  return runId;
}

/** The owner-marker prefix of a run's objects (every run's when `runId` is omitted). */
export function ownerPrefix(runId?: string): string {
  return runId ? `${ACCEPTANCE_PROJECT}/${runId}/` : `${ACCEPTANCE_PROJECT}/`;
}

/** The name_label prefix of a run's objects. */
export function namePrefix(runId: string): string {
  return `bxacc-${runId}-`;
}

/** The run id in an owner marker of an acceptance run, or undefined. */
export function runIdOfOwner(owner: string | undefined): string | undefined {
  if (!owner?.startsWith(ownerPrefix())) return undefined;
  const runId = owner.slice(ownerPrefix().length).split("/")[0] ?? "";
  return RUN_ID.test(runId) ? runId : undefined;
}

/** The run id in a name_label made by an acceptance run, or undefined. */
export function runIdOfName(name: string | undefined): string | undefined {
  const match = /^bxacc-(acc-[0-9a-z]{6,20})-/.exec(name ?? "");
  return match?.[1];
}
