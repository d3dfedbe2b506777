/** session.*: login, logout and the session's own lookups. */
import { timingSafeEqual } from "node:crypto";
import { xapiDate } from "../model/time";
import { sleep } from "../ops/sleep";
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";
import type { SimCore } from "../rpc/core";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates a session for the pool's root user. */
export function openSession(core: SimCore, originator: string): string {
  const now = xapiDate();
  return core.store.create("session", {
    this_host: core.refs.master,
    last_active: now,
    validation_time: now,
    pool: false,
    originator,
    auth_user_name: core.username,
  });
}

/** session.* methods. */
export function sessionMethods(): MethodDef[] {
  return [
    method({
      name: "session.login_with_password",
      session: false,
      params: [
        { name: "uname", type: T.string },
        { name: "pwd", type: T.string },
        { name: "version", type: T.string, default: "1.1" },
        { name: "originator", type: T.string, default: "" },
      ],
      result: T.ref("session"),
      handler: async ({ core, signal }, uname: string, pwd: string, _version: string, originator: string) => {
        if (uname !== core.username || !sameSecret(pwd, core.password)) {
          await sleep(core.loginFailureDelayMs, signal);
          throw new XapiFailure("SESSION_AUTHENTICATION_FAILED", [uname, "Authentication failure"]);
        }
        return openSession(core, originator);
      },
    }),
    method({
      name: "session.logout",
      params: [],
      result: T.void,
      handler: ({ core, session }) => core.store.destroy("session", session),
    }),
  ];
}
