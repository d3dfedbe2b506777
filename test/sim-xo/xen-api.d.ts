/**
 * The part of Xen Orchestra's `xen-api` client (v4.7, ESM, untyped) that the sim-xo suites use.
 * Only what the tests touch is declared; see node_modules/xen-api/index.mjs.
 */
declare module "xen-api" {
  import type { EventEmitter } from "node:events";

  /** A cached XAPI object as the client wraps it: the record's fields plus `$`-helpers. */
  export interface XoRecord {
    readonly $id: string;
    readonly $ref: string;
    readonly $type: string;
    readonly [field: string]: any;
  }

  /** The client's object cache (an xo-collection): `all` by id; emits `add`/`update`/`remove`. */
  export interface XoCollection extends EventEmitter {
    readonly all: { readonly [id: string]: XoRecord };
  }

  /** Options XO passes to `createClient`. */
  export interface XoClientOptions {
    url: string;
    auth?: { user: string; password: string };
    allowUnauthorized?: boolean;
    transport?: "auto" | "json-rpc" | "xml-rpc";
    watchEvents?: boolean | string[];
    debounce?: number;
    eventPollDelay?: number;
    callTimeout?: number;
  }

  /** An XAPI failure as the client raises it. */
  export interface XapiError extends Error {
    code: string;
    params: string[];
  }

  /** The client: a session, an event-fed object cache and calls. */
  export interface Xapi extends EventEmitter {
    readonly status: "connected" | "connecting" | "disconnected";
    readonly pool: XoRecord | null;
    readonly sessionId: string;
    readonly objects: XoCollection;
    readonly objectsFetched: Promise<void>;
    connect(): Promise<void>;
    disconnect(): Promise<void>;
    call<T = any>(method: string, ...args: unknown[]): Promise<T>;
    callAsync<T = any>(method: string, ...args: unknown[]): Promise<T>;
    barrier(ref?: string): Promise<XoRecord | undefined>;
    getObjectByRef(ref: string, defaultValue?: unknown): XoRecord;
    getHostBackupUrl(host?: XoRecord): Promise<URL>;
  }

  /** Creates a client; it connects on `connect()` and starts watching events by default. */
  export function createClient(options: XoClientOptions): Xapi;
}
