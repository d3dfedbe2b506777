/** Reading request bodies. */
import type { IncomingMessage } from "node:http";

/** Requests larger than this are refused (xapi bodies are small; VDI uploads are not served). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Reads the whole body as UTF-8; rejects when it exceeds MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
