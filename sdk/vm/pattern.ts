/**
 * Turns a VM id pattern into a RegExp matched against whole ids. A string is a glob: `*` is any
 * run of characters, `?` one character, everything else literal (`worker-*` matches `worker-0`
 * but not `my-worker-0`). A RegExp is used as given.
 */
export function idMatcher(pattern: string | RegExp): (id: string) => boolean {
  if (pattern instanceof RegExp) {
    // A fresh copy without the stateful flags, so test() gives the same answer every call.
    const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    return (id) => regexp.test(id);
  }
  const source = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("");
  const regexp = new RegExp(`^${source}$`);
  return (id) => regexp.test(id);
}
