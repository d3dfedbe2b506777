/** event.from and event.inject. */
import { eventsSince, parseSubscription, parseToken, tokenOf } from "../rpc/events";
import { method, type MethodDef } from "../rpc/method";
import { T, classNamed } from "../schema";
import { XapiFailure } from "../model/failure";

/** setTimeout's limit; longer event.from timeouts are capped (a client re-polls anyway). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** event.* methods. */
export function eventMethods(): MethodDef[] {
  return [
    method({
      name: "event.from",
      params: [
        { name: "classes", type: T.stringSet },
        { name: "token", type: T.string },
        { name: "timeout", type: T.float },
      ],
      result: T.raw,
      handler: async ({ core, signal }, classes: string[], token: string, timeout: number) => {
        const sub = parseSubscription(classes);
        const since = parseToken(token);
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(), Math.min(MAX_TIMER_MS, Math.max(0, timeout * 1000)));
        const ended = AbortSignal.any([deadline.signal, signal]);
        try {
          for (;;) {
            const batch = eventsSince(core.store, sub, since, token === "");
            if (batch.events.length > 0 || ended.aborted) return batch;
            await core.store.nextChange(ended);
          }
        } finally {
          clearTimeout(timer);
        }
      },
    }),
    method({
      name: "event.inject",
      params: [
        { name: "class", type: T.string },
        { name: "ref", type: T.string },
      ],
      result: T.string,
      handler: ({ core }, className: string, ref: string) => {
        const cls = classNamed(className);
        if (!cls) throw new XapiFailure("HANDLE_INVALID", [className, ref]);
        core.store.touch(core.store.object(cls.name, ref));
        return tokenOf(core.store.generation);
      },
    }),
  ];
}
