import { describe, expect, it } from "vitest";
import { decodeSessionFrame, SessionFrameReader } from "../../sdk/lua/session-frames";
import { SESSION_FRAME_MAGIC } from "../../sdk/lua/worker-program";

function frame(records: Array<[string, string]>): Buffer {
  const payload = Buffer.concat(records.map(([tag, text]) => Buffer.from(`${tag}${Buffer.byteLength(text)}:${text}`)));
  return Buffer.concat([Buffer.from(`${SESSION_FRAME_MAGIC}${payload.length}\n`, "latin1"), payload]);
}

describe("session frames", () => {
  it("reassembles frames split at every byte and keeps stray output in order", () => {
    const stream = Buffer.concat([
      Buffer.from("stray \x1b text "),
      frame([["k", "1"], ["v", "4"], ["o", ">seq\nACGT\n"], ["e", ""]]),
      Buffer.from("more"),
      frame([["k", "0"], ["x", "eval:1: bad\nstack traceback:"], ["o", "ü"], ["e", "warn"]]),
    ]);
    const frames: Buffer[] = [];
    const stray: string[] = [];
    const reader = new SessionFrameReader((payload) => frames.push(payload), (bytes) => stray.push(bytes.toString()));
    for (let i = 0; i < stream.length; i += 1) reader.push(stream.subarray(i, i + 1));
    expect(stray.join("")).toBe("stray \x1b text more");
    expect(frames.map(decodeSessionFrame)).toEqual([
      { ok: true, values: ["4"], stdout: ">seq\nACGT\n", stderr: "" },
      { ok: false, values: [], error: "eval:1: bad\nstack traceback:", stdout: "ü", stderr: "warn" },
    ]);
  });

  it("rejects a malformed payload with its position", () => {
    expect(() => decodeSessionFrame(Buffer.from("k1:1vX"))).toThrow(/malformed response frame near byte 4/);
  });
});
