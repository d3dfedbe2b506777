/**
 * Generated hostile strings for the attack suite: arbitrary code points (control characters, NUL,
 * lone surrogates), shell, Lua, path, XML and JSON injections that would create a canary file if
 * anything ran them, and edge values ("", "-", "..").
 */
import fc from "fast-check";

/** Fragments that create `canary` if a shell, Lua, or an XML/JSON-RPC body mistook data for code. */
export function injections(canary: string): string[] {
  return [
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `;touch ${canary};`,
    `&& touch ${canary}`,
    `| touch ${canary}`,
    `\ntouch ${canary}\n`,
    `'; touch ${canary}; '`,
    `"; touch ${canary}; "`,
    `a=b touch ${canary}`,
    `touch=${canary}`,
    `-e os.execute('touch ${canary}')`,
    `]] os.execute("touch ${canary}") --[[`,
    `../../../..${canary}`,
    canary,
    "\0",
    "${IFS}",
    "%s%n%x",
    "</value></param><param><value>x",
    `"},{"method":"VM.destroy","params":["OpaqueRef:x"]}`,
    "\u2028\u202e\ufeff",
    "\ud800",
  ];
}

/** Strings of every kind, with a canary-making fragment in about half of them. */
export function hostileString(canary: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: "binary", maxLength: 24 }),
    fc.string({ unit: "grapheme-ascii", maxLength: 24 }),
    fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...injections(canary)), fc.string({ maxLength: 6 })).map(([a, b, c]) => a + b + c),
    fc.constantFrom("", " ", "-", "--help", "-v", ".", "..", "/", "~", "*", "=", "a=b", "x".repeat(300)),
  );
}
