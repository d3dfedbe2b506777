/** Writing responses the way xapi does. */
import type { ServerResponse } from "node:http";

/** Sends a complete response with an exact content-type. */
export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** xapi answers a request it cannot parse with HTTP 500 and an HTML body. */
export function sendHtmlError(res: ServerResponse, status: number, title: string): void {
  const safe = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  send(res, status, "text/html", `<html><body><h1>HTTP ${status} ${safe}</h1></body></html>`);
}
