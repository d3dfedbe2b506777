/** Where plain HTTP may carry the XAPI password: only to this machine (a local simulator). */

/**
 * Throws unless `url` is https, or http to localhost, 127.0.0.0/8 or [::1]: plain HTTP to
 * another machine would send the password (and every session ref) in the clear.
 * @param url the XAPI endpoint about to be logged in to (also after a HOST_IS_SLAVE redirect)
 */
export function assertPlainHttpIsLocal(url: string): void {
  const { protocol, hostname, origin } = new URL(url);
  if (protocol !== "http:" || isLoopbackHost(hostname)) return;
  throw new Error(`XAPI url ${origin} is plain http to another machine, which would send the password in the clear; use https:// (http:// is for localhost/127.x/[::1] only)`);
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
