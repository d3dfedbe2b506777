/**
 * Disconnecting an XO `xen-api` client cleanly, usable inside and outside vitest (the HTTPS
 * probe child runs it too).
 */
import { createClient, type Xapi } from "xen-api";

/**
 * Disconnects `xo`, then wakes the `event.from` it may still have pending: a short-lived second
 * client (events off) injects a pool event, so the first client's loop returns and parks on its
 * disconnected state instead of failing on a closed socket when the server goes away. Both
 * clients' `session.logout` calls are fire-and-forget in XO: callers wait for them separately.
 * @param url the pool master the waker logs in to
 * @param auth the credentials the waker uses
 */
export async function disconnectAndWake(xo: Xapi, url: string, auth: { user: string; password: string }): Promise<void> {
  await xo.disconnect();
  const waker = createClient({ url, auth, watchEvents: false });
  try {
    await waker.connect();
    await waker.call("event.inject", "pool", waker.pool!.$ref);
  } finally {
    await waker.disconnect();
  }
}
