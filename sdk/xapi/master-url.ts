/** Where to go when a pool member answers `HOST_IS_SLAVE [master]`. */

/**
 * The pool master's URL: same scheme and port as `currentUrl`, host replaced (IPv6 bracketed).
 * @param currentUrl the URL that answered HOST_IS_SLAVE
 * @param masterAddress the address XAPI gave, e.g. `10.0.0.1` or `fd00::1`
 */
export function masterUrlFor(currentUrl: string, masterAddress: string): string {
  const url = new URL(currentUrl);
  const host = masterAddress.trim();
  url.hostname = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return url.origin;
}
