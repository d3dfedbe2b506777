import { LUA_PRELUDE } from "./lua-prelude";

/**
 * The fixed program `runChunk`/`runFile` pass to the interpreter with `-e`. It reads a request
 * from stdin (see {@link encodeRunRequest}), loads the chunk or file, sets `arg`, calls it with the
 * args as `...`, prints returned values tab-separated (nil as "nil") and exits 1 with
 * "lua: message + traceback" on stderr after an error. Whatever follows the request on stdin is
 * left for the chunk's own io.read. User code is never part of argv.
 */
export const RUN_PROGRAM = `${LUA_PRELUDE}${String.raw`
local stdin, stderr = io.stdin, io.stderr
local function field()
  local size = tonumber(stdin:read("*l"))
  if size == 0 then return "" end
  return stdin:read(size)
end
local function fail(message)
  io.stdout:flush()
  stderr:write("lua: ", message, "\n")
  os.exit(1, true)
end
local mode, count = string.match(stdin:read("*l") or "", "^(%a) (%d+)$")
if not mode then fail("bioxen run program: malformed request on stdin") end
local name = field()
local chunk, load_error
if mode == "c" then chunk, load_error = load_string(field(), "=" .. name)
else chunk, load_error = loadfile(name) end
local args = { n = tonumber(count) }
for i = 1, args.n do args[i] = field() end
if not chunk then fail(load_error) end
arg = { [0] = name }
for i = 1, args.n do arg[i] = args[i] end
local results = pack(xpcall(function() return chunk(unpack(args, 1, args.n)) end, error_handler))
if not results[1] then fail(show(results[2])) end
if results.n > 1 then
  local shown = {}
  for i = 2, results.n do shown[i - 1] = show(results[i]) end
  io.stdout:write(table.concat(shown, "\t"), "\n")
end
`}`;

/** What a run request names: Lua source with a chunk name, or a file path on the target. */
export type RunSource = { code: string; chunkName: string } | { path: string };

/**
 * Encodes the stdin header {@link RUN_PROGRAM} reads: `<mode> <argc>\n`, then length-prefixed
 * (`<bytes>\n<data>`) fields: the chunk name or path, the code (mode "c" only), each argument.
 * @param source chunk or file to run
 * @param args values for `arg[1..n]` and `...`
 */
export function encodeRunRequest(source: RunSource, args: readonly string[]): Buffer {
  const fields = "code" in source ? [source.chunkName, source.code, ...args] : [source.path, ...args];
  const parts: Buffer[] = [Buffer.from(`${"code" in source ? "c" : "f"} ${args.length}\n`)];
  for (const field of fields) {
    const bytes = Buffer.from(field, "utf8");
    parts.push(Buffer.from(`${bytes.length}\n`), bytes);
  }
  return Buffer.concat(parts);
}
