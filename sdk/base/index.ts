/** The shared base: time (deadlines, waits), errors, limits, and small input checks. */
export { Deadline, Wait, withDeadline, type DeadlineInput, type DeadlineOptions, type WaitOptions, type WaitErrorFactory } from "./deadline";
export { BioxenError, BioxenAbortError, WaitError, isTimeout, isAbort, type BioxenErrorCode, type WaitEnd } from "./errors";
export { Semaphore, KeyedSemaphore, type SlotLease, type SlotWaitOptions, type SemaphoreOptions } from "./semaphore";
export { timeoutSignal } from "./timeout-signal";
export { assertEnvNames, ENV_NAME_PATTERN } from "./env";
export { maskUrlCredentials } from "./mask-credentials";
export { assertPrintable, controlCharacterReason, hasControlCharacter } from "./printable";
