/**
 * The time budget of the operation phase running now (a resource's create, update or delete),
 * carried through every async call by AsyncLocalStorage: a call made anywhere inside the phase —
 * deep in a recipe that passes no deadline down — ends by the phase's deadline as well as its own.
 * Once the deadline has passed, calls made in the phase (failure handling: a rollback, a report)
 * keep their own deadlines; code that must not be cut by the phase runs {@link outsidePhase}.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Deadline, type DeadlineInput } from "./deadline";

/** A phase: its name and limit for errors, and when it ends. */
export interface PhaseBudget {
  /** e.g. `delete phase, timeouts.delete = 6 s` */
  label: string;
  /** when the phase's time is up */
  deadline: Deadline;
}

const running = new AsyncLocalStorage<PhaseBudget>();

/**
 * Runs `work` as the phase `label` ending at `deadline`; inside an enclosing phase that ends
 * earlier, the enclosing one stays in force.
 */
export function withinPhase<T>(label: string, deadline: Deadline, work: () => Promise<T>): Promise<T> {
  const outer = livePhase();
  return running.run(outer && outer.deadline.endsAt <= deadline.endsAt ? outer : { label, deadline }, work);
}

/** Runs `work` without any phase budget (cleanup that must run to its own end after a phase failed). */
export function outsidePhase<T>(work: () => Promise<T>): Promise<T> {
  return running.exit(work);
}

/** The phase running now, while its deadline has not passed. */
export function livePhase(): PhaseBudget | undefined {
  const phase = running.getStore();
  return phase && !phase.deadline.expired() ? phase : undefined;
}

/**
 * A call's deadline within the live phase: the earlier of `own` (a Deadline or ms from now) and
 * the phase's, with the phase's label when the phase ends first.
 */
export function phaseBound(own: DeadlineInput): { deadline: Deadline; phase?: string } {
  const deadline = Deadline.from(own, "a call");
  const phase = livePhase();
  return phase && phase.deadline.endsAt < deadline.endsAt ? { deadline: phase.deadline, phase: phase.label } : { deadline };
}
