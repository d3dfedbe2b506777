import { SESSION_FRAME_MAGIC } from "./worker-program";

const MAGIC = Buffer.from(SESSION_FRAME_MAGIC, "latin1");
const NEWLINE = 0x0a;

/** One decoded worker response. */
export interface SessionFrame {
  ok: boolean;
  values: string[];
  /** Error message and traceback (only when ok is false). */
  error?: string;
  stdout: string;
  stderr: string;
}

/**
 * Encodes one session request: "<bytes>\n<code>", or with an operation letter (the attachable
 * session's requests) "<op> <bytes>\n<data>".
 */
export function encodeSessionRequest(code: string, op?: string): Buffer {
  const bytes = Buffer.from(code, "utf8");
  return Buffer.concat([Buffer.from(`${op === undefined ? "" : `${op} `}${bytes.length}\n`), bytes]);
}

/**
 * Splits the worker's stdout into frames. Bytes outside frames (a child process writing to the
 * inherited stdout, for example) are handed to `onStray` in order, so they are not lost.
 */
export class SessionFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private payloadChunks: Buffer[] = [];
  private payloadReceived = 0;
  private payloadSize: number | undefined;

  /**
   * @param onFrame called with each complete frame payload
   * @param onStray called with bytes that are not part of any frame
   */
  constructor(
    private readonly onFrame: (payload: Buffer) => void,
    private readonly onStray: (bytes: Buffer) => void,
  ) {}

  /** Feeds the next chunk of stdout. */
  push(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      data = this.payloadSize === undefined ? this.readHeader(data) : this.readPayload(data);
    }
  }

  /** Consumes up to and including a frame header; returns what is left after it. */
  private readHeader(chunk: Buffer): Buffer {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const at = data.indexOf(MAGIC);
    if (at < 0) {
      const keep = partialMagicSuffix(data);
      if (data.length > keep) this.onStray(data.subarray(0, data.length - keep));
      this.pending = Buffer.from(data.subarray(data.length - keep));
      return Buffer.alloc(0);
    }
    if (at > 0) this.onStray(data.subarray(0, at));
    const newline = data.indexOf(NEWLINE, at + MAGIC.length);
    if (newline < 0) {
      this.pending = Buffer.from(data.subarray(at));
      return Buffer.alloc(0);
    }
    this.payloadSize = Number(data.toString("latin1", at + MAGIC.length, newline));
    this.payloadChunks = [];
    this.payloadReceived = 0;
    const rest = data.subarray(newline + 1);
    if (this.payloadSize === 0) this.finishPayload();
    return rest;
  }

  /** Collects payload bytes; returns what follows the payload. */
  private readPayload(chunk: Buffer): Buffer {
    const needed = this.payloadSize! - this.payloadReceived;
    const take = chunk.subarray(0, needed);
    this.payloadChunks.push(take);
    this.payloadReceived += take.length;
    if (this.payloadReceived === this.payloadSize) this.finishPayload();
    return chunk.subarray(take.length);
  }

  private finishPayload(): void {
    const payload = Buffer.concat(this.payloadChunks);
    this.payloadSize = undefined;
    this.payloadChunks = [];
    this.onFrame(payload);
  }
}

/** Length of the longest tail of `data` that could be the beginning of the magic. */
function partialMagicSuffix(data: Buffer): number {
  for (let keep = Math.min(MAGIC.length - 1, data.length); keep > 0; keep -= 1) {
    if (data.subarray(data.length - keep).equals(MAGIC.subarray(0, keep))) return keep;
  }
  return 0;
}

/** One `<tag><bytes>:<data>` record of a frame payload. */
export interface FrameRecord {
  tag: string;
  data: Buffer;
}

/** Splits a frame payload into its `<tag><bytes>:<data>` records (data kept as bytes). */
export function decodeFrameRecords(payload: Buffer): FrameRecord[] {
  const records: FrameRecord[] = [];
  let at = 0;
  while (at < payload.length) {
    const tag = String.fromCharCode(payload[at]);
    const colon = payload.indexOf(":", at + 1);
    const size = Number(payload.toString("latin1", at + 1, colon));
    if (colon < 0 || !Number.isInteger(size)) throw new Error(`Lua session: malformed response frame near byte ${at}`);
    records.push({ tag, data: payload.subarray(colon + 1, colon + 1 + size) });
    at = colon + 1 + size;
  }
  return records;
}

/** Decodes a payload of `<tag><bytes>:<data>` records into a {@link SessionFrame}. */
export function decodeSessionFrame(payload: Buffer): SessionFrame {
  const frame: SessionFrame = { ok: false, values: [], stdout: "", stderr: "" };
  for (const { tag, data } of decodeFrameRecords(payload)) {
    const text = data.toString("utf8");
    if (tag === "k") frame.ok = text === "1";
    else if (tag === "v") frame.values.push(text);
    else if (tag === "x") frame.error = text;
    else if (tag === "o") frame.stdout = text;
    else if (tag === "e") frame.stderr = text;
  }
  return frame;
}
