/** The simulator's database: objects by class and ref, with generations for event.from. */
import { randomUUID } from "node:crypto";
import { CLASSES, classNamed, zeroValue, type ClassDef } from "../schema";
import { XapiFailure } from "./failure";
import type { XRecord } from "./record";

/** One live object and the generations at which it was created and last modified. */
export interface StoredObject {
  ref: string;
  cls: ClassDef;
  record: XRecord;
  created: number;
  modified: number;
}

/** A deletion remembered for event.from. */
export interface Deletion {
  ref: string;
  cls: ClassDef;
  created: number;
  deleted: number;
}

/** How many deletions are remembered before older event.from tokens get EVENTS_LOST. */
const MAX_DELETIONS = 20_000;

/** The object database. Every change bumps `generation` and wakes event.from waiters. */
export class Store {
  /** The last generation handed out; tokens and event ids are generations. */
  generation = 0;
  /** Tokens older than this cannot be served (deletions were forgotten). */
  horizon = 0;
  private readonly objects = new Map<string, StoredObject>();
  private readonly byClass = new Map<string, Map<string, StoredObject>>(CLASSES.map((c) => [c.name, new Map()]));
  private readonly uuids = new Map<string, string>();
  private readonly deletions: Deletion[] = [];
  private waiters: Array<() => void> = [];
  private readonly derivers = new Map<string, (ref: string, record: XRecord) => XRecord>();

  /**
   * Fields computed from the rest of a record (VM.allowed_operations), set on every create and
   * update of that class within the same change.
   */
  derive(className: string, compute: (ref: string, record: XRecord) => XRecord): void {
    this.derivers.set(this.classOf(className).name, compute);
  }

  /**
   * Creates an object; fields left out get the schema's initial or zero value.
   * @returns the new ref
   */
  create(className: string, fields: XRecord, ref = `OpaqueRef:${randomUUID()}`): string {
    const cls = this.classOf(className);
    const record: XRecord = {};
    for (const field of cls.fields) {
      const given = fields[field.name];
      record[field.name] = structuredClone(given !== undefined ? given : field.initial !== undefined ? field.initial : zeroValue(field.type));
    }
    if (!record.uuid) record.uuid = randomUUID();
    this.applyDerived(cls, ref, record);
    const generation = this.bump();
    const stored: StoredObject = { ref, cls, record, created: generation, modified: generation };
    this.objects.set(ref, stored);
    this.byClass.get(cls.name)!.set(ref, stored);
    this.uuids.set(record.uuid, ref);
    this.wake();
    return ref;
  }

  /** The live record of `ref`; throws `HANDLE_INVALID [class, ref]` when it is not of that class. */
  get(className: string, ref: unknown): XRecord {
    return this.object(className, ref).record;
  }

  /** The stored object of `ref`; throws `HANDLE_INVALID [class, ref]`. */
  object(className: string, ref: unknown): StoredObject {
    const stored = typeof ref === "string" ? this.objects.get(ref) : undefined;
    if (!stored || stored.cls.name !== this.classOf(className).name) throw new XapiFailure("HANDLE_INVALID", [className, String(ref)]);
    return stored;
  }

  /** The object of `ref` whatever its class, or undefined. */
  find(ref: string): StoredObject | undefined {
    return this.objects.get(ref);
  }

  /** Whether `ref` is a live object of that class. */
  has(className: string, ref: unknown): boolean {
    const stored = typeof ref === "string" ? this.objects.get(ref) : undefined;
    return stored !== undefined && stored.cls.name === className;
  }

  /** Changes fields of an object (one event). */
  update(className: string, ref: string, patch: XRecord): void {
    const stored = this.object(className, ref);
    for (const [name, value] of Object.entries(patch)) stored.record[name] = structuredClone(value);
    this.applyDerived(stored.cls, ref, stored.record);
    this.touch(stored);
  }

  /** Marks an object as modified (event.inject, in-place changes). */
  touch(stored: StoredObject): void {
    stored.modified = this.bump();
    this.wake();
  }

  /** Destroys an object; a no-op when it is already gone. */
  destroy(className: string, ref: string): void {
    const stored = this.objects.get(ref);
    if (!stored || stored.cls.name !== className) return;
    this.objects.delete(ref);
    this.byClass.get(stored.cls.name)!.delete(ref);
    this.uuids.delete(stored.record.uuid);
    this.deletions.push({ ref, cls: stored.cls, created: stored.created, deleted: this.bump() });
    if (this.deletions.length > MAX_DELETIONS) this.horizon = this.deletions.shift()!.deleted;
    this.wake();
  }

  /** Every live object of a class. */
  all(className: string): StoredObject[] {
    return [...(this.byClass.get(this.classOf(className).name)?.values() ?? [])];
  }

  /** The ref of the object with this uuid; throws `UUID_INVALID [class, uuid]`. */
  refByUuid(className: string, uuid: unknown): string {
    const ref = typeof uuid === "string" ? this.uuids.get(uuid) : undefined;
    if (!ref || this.objects.get(ref)?.cls.name !== this.classOf(className).name) throw new XapiFailure("UUID_INVALID", [className, String(uuid)]);
    return ref;
  }

  /** The ref of the live object with this uuid, whatever its class. */
  refOfUuid(uuid: string): string | undefined {
    return this.uuids.get(uuid);
  }

  /** Deletions after generation `since`. */
  deletionsSince(since: number): Deletion[] {
    return this.deletions.filter((d) => d.deleted > since);
  }

  /**
   * Resolves at the next change, or when the signal aborts (never rejects).
   * @param signal ends the wait early
   */
  nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        signal.removeEventListener("abort", done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      this.waiters.push(done);
    });
  }

  private classOf(name: string): ClassDef {
    const cls = classNamed(name);
    if (!cls) throw new XapiFailure("INTERNAL_ERROR", [`no class named ${name}`]);
    return cls;
  }

  private applyDerived(cls: ClassDef, ref: string, record: XRecord): void {
    const compute = this.derivers.get(cls.name);
    if (compute) Object.assign(record, compute(ref, record));
  }

  private bump(): number {
    this.generation += 1;
    return this.generation;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
