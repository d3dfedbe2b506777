import { LUA_PRELUDE } from "./lua-prelude";

/** Marks the start of every response frame the session worker writes on stdout. */
export const SESSION_FRAME_MAGIC = "\x1bBXLV";

/**
 * Lua shared by the session worker and the attachable session host: print, io.write, io.stdout,
 * io.stderr (and io.output/io.input/io.lines) redirected to `sink(stream, text)`, which the
 * program defines before this part ("out" or "err"); io.read and io.stdin see end of file.
 * `record(parts, tag, text)` appends one `<tag><bytes>:<data>` frame record, and
 * `compile(code)` compiles "return <code>" (so expressions show their value, like the REPL) or
 * else the code itself, returning the chunk, or nil, the error and whether the code is merely
 * unfinished (the error ends in "<eof>", 5.1: "'<eof>'", the stock lua REPL's test).
 */
export const WORKER_IO = String.raw`
local real_stdin, real_stdout, concat = io.stdin, io.stdout, table.concat
local function writer(name)
  return function(self, ...)
    local parts = {}
    for i = 1, select("#", ...) do
      local value = select(i, ...)
      local kind = type(value)
      if kind ~= "string" and kind ~= "number" then
        error("bad argument #" .. i .. " to 'write' (string expected, got " .. kind .. ")", 2)
      end
      parts[i] = tostring(value)
    end
    sink(name, concat(parts))
    return self
  end
end
local function fake_file(name)
  local file = {}
  file.write = name and writer(name) or function() return nil, "file is not writable" end
  function file.read() return nil end
  function file.lines() return function() return nil end end
  function file.flush(self) return self end
  function file.setvbuf() return true end
  function file.seek() return nil, "Illegal seek", 29 end
  function file.close() return nil, "cannot close standard file" end
  return file
end
local real_open, real_lines = io.open, io.lines
local current_input, current_output = fake_file(nil), fake_file("out")
io.stdin, io.stdout, io.stderr = current_input, current_output, fake_file("err")
local function choose(file, mode)
  if type(file) == "string" then return assert(real_open(file, mode)) end
  return file
end
function io.output(file) if file ~= nil then current_output = choose(file, "w") end return current_output end
function io.input(file) if file ~= nil then current_input = choose(file, "r") end return current_input end
function io.write(...) return current_output:write(...) end
function io.read(...) return current_input:read(...) end
function io.lines(name, ...)
  if name == nil then return current_input:lines(...) end
  return real_lines(name, ...)
end
function print(...)
  local parts = {}
  for i = 1, select("#", ...) do
    if i > 1 then parts[#parts + 1] = "\t" end
    parts[#parts + 1] = tostring((select(i, ...)))
  end
  parts[#parts + 1] = "\n"
  sink("out", concat(parts))
end
local function record(parts, tag, text)
  parts[#parts + 1] = tag .. #text .. ":" .. text
end
local function compile(code, name)
  local chunk = load_string("return " .. code, name)
  if chunk then return chunk end
  local compile_error
  chunk, compile_error = load_string(code, name)
  if chunk then return chunk end
  return nil, compile_error, string.find(compile_error, "<eof>'?$") ~= nil
end
`;

/**
 * The fixed program a session runs with `-e`. It loops: read "<bytes>\n<code>" from stdin, compile
 * it (see {@link WORKER_IO}), run it in the global environment with output redirected to per-call
 * buffers (io.read and io.stdin see end of file: stdin is the request channel), then write one
 * frame: MAGIC "<bytes>\n" followed by records `<tag><bytes>:<data>` with tags k (ok "1"/"0"),
 * v (a returned value, via tostring), x (error + traceback), o (stdout), e (stderr).
 */
export const WORKER_PROGRAM = `${LUA_PRELUDE}${String.raw`
local buffers = { out = {}, err = {} }
local function sink(name, text)
  local buffer = buffers[name]
  buffer[#buffer + 1] = text
end
`}${WORKER_IO}${String.raw`
while true do
  local size = tonumber(real_stdin:read("*l"))
  if not size then break end
  local code = size > 0 and real_stdin:read(size) or ""
  buffers.out, buffers.err = {}, {}
  local chunk, compile_error = compile(code, "=eval")
  local results
  if chunk then results = pack(xpcall(chunk, error_handler))
  else results = { n = 2, false, compile_error } end
  local parts = {}
  record(parts, "k", results[1] and "1" or "0")
  if results[1] then
    for i = 2, results.n do record(parts, "v", show(results[i])) end
  else
    record(parts, "x", show(results[2]))
  end
  record(parts, "o", concat(buffers.out))
  record(parts, "e", concat(buffers.err))
  buffers.out, buffers.err = {}, {}
  local payload = concat(parts)
  real_stdout:write("\27BXLV", tostring(#payload), "\n", payload)
  real_stdout:flush()
end
`}`;
