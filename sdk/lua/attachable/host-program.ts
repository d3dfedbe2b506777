import { LUA_PRELUDE } from "../lua-prelude";
import { WORKER_IO } from "../worker-program";

/** Instructions between two looks at the socket while a chunk runs (accepting, interrupts, kill). */
const HOOK_INSTRUCTIONS = 100_000;

/**
 * The Lua program of one attachable session, started detached (setsid) by the control script
 * with its environment naming the socket (`BIOXEN_SESSION_SOCKET`), the session
 * (`BIOXEN_SESSION_NAME`) and the output limit in bytes (`BIOXEN_SESSION_BUFFER`). It needs
 * LuaSocket (`socket.unix`). It listens on the socket (bound under a temporary name and renamed
 * once listening, so the name existing means ready), and runs the chunks clients send in its own
 * global environment, output redirected by {@link WORKER_IO}.
 *
 * Client → session: requests `<op> <bytes>\n<data>`: `c` "<id> <code>" to run, `i` interrupt the
 * running chunk, `q` end the session. Session → client: one frame per event (MAGIC `<bytes>\n`
 * then one record `<tag><bytes>:<data>`): h hello (the name), m request <id> is unfinished
 * (nothing ran), r request <id> compiled and runs, o stdout, e stderr, v a returned value,
 * x error + traceback, d "<1|0> <id>" request done (ok or not), l output lost
 * ("<events> <bytes>"), t another client took the session over.
 *
 * Output waits in a queue until a client reads it. While nobody is attached the queue keeps at
 * most the limit, dropping the oldest frames (counted in the next "l"); while a client is
 * attached a full queue makes the chunk wait for the client instead. A newer client takes the
 * session over from an older one. While a chunk runs, a count hook looks at the socket every
 * {@link HOOK_INSTRUCTIONS} instructions, so clients can attach, interrupt or end it.
 */
export const SESSION_HOST_PROGRAM = `${LUA_PRELUDE}${String.raw`
local emit
local function sink(name, text) emit(name == "out" and "o" or "e", text) end
`}${WORKER_IO}${String.raw`
local socket = require("socket")
local unix = require("socket.unix")
local socket_path = assert(os.getenv("BIOXEN_SESSION_SOCKET"), "BIOXEN_SESSION_SOCKET is not set")
local session_name = os.getenv("BIOXEN_SESSION_NAME") or ""
local limit = tonumber(os.getenv("BIOXEN_SESSION_BUFFER")) or 1048576
local pid_path = string.gsub(socket_path, "%.sock$", ".pid")
local real_exit = os.exit
local server, client, inbox
local queue, first, last, queued, sent = {}, 1, 0, 0, 0
local lost_events, lost_bytes = 0, 0
local requests, interrupted = {}, false

local function frame(tag, text)
  local payload = tag .. #text .. ":" .. text
  return "\27BXLV" .. #payload .. "\n" .. payload
end

local function remove_files()
  os.remove(socket_path)
  os.remove(pid_path)
end

local function start()
  server = assert(unix.stream())
  local temporary = socket_path .. ".new"
  os.remove(temporary)
  assert(server:bind(temporary))
  assert(server:listen(8))
  server:settimeout(0)
  assert(os.rename(temporary, socket_path))
end
do
  local ok, problem = pcall(start)
  if not ok then
    local report = real_open(socket_path .. ".err", "w")
    if report then report:write(tostring(problem)) report:close() end
    real_exit(1)
  end
end

local receive

local function drop_client()
  if client then client:close() end
  client, inbox, sent = nil, "", 0
end

local function flush()
  while client and first <= last do
    local data = queue[first]
    local index, problem, partial = client:send(data, sent + 1)
    sent = index or partial or sent
    if sent >= #data then
      queue[first], first, queued, sent = nil, first + 1, queued - #data, 0
    elseif problem == "timeout" then
      return
    elseif problem then
      receive()
      drop_client()
    end
  end
end

local function drop_oldest()
  local victim = sent > 0 and first + 1 or first
  if victim > last then return false end
  local data = queue[victim]
  if sent > 0 then queue[victim] = queue[first] end
  queue[first], first, queued = nil, first + 1, queued - #data
  lost_events, lost_bytes = lost_events + 1, lost_bytes + #data
  return true
end

local function shutdown()
  drop_client()
  server:close()
  remove_files()
  real_exit(0, true)
end

-- Tells the attached client that a newer one takes over, after finishing the frame it is receiving.
local function hand_over()
  client:settimeout(1)
  if sent > 0 and client:send(queue[first], sent + 1) then
    queued = queued - #queue[first]
    queue[first], first = nil, first + 1
  end
  client:send(frame("t", ""))
  drop_client()
end

local function accept()
  local incoming = server:accept()
  if not incoming then return end
  if client then hand_over() end
  incoming:settimeout(1)
  local greeting = frame("h", session_name)
  if lost_events > 0 then greeting = greeting .. frame("l", lost_events .. " " .. lost_bytes) end
  local delivered = incoming:send(greeting)
  if delivered then lost_events, lost_bytes = 0, 0 end
  incoming:settimeout(0)
  client, inbox, sent = incoming, "", 0
  -- A client that sent its request and left at once is still heard.
  if not delivered then
    receive()
    drop_client()
  end
end

local function handle(op, data)
  if op == "c" then requests[#requests + 1] = data
  elseif op == "i" then interrupted = true
  elseif op == "q" then shutdown() end
end

-- Reads everything that has arrived, runs the complete requests, and lets go of a client that left.
function receive()
  local problem
  repeat
    local data, partial
    data, problem, partial = client:receive(65536)
    inbox = inbox .. (data or partial or "")
  until problem
  while true do
    local op, size, body = string.match(inbox, "^(%a) (%d+)\n()")
    if not op then break end
    size = tonumber(size)
    if #inbox < body - 1 + size then break end
    local data = string.sub(inbox, body, body + size - 1)
    inbox = string.sub(inbox, body + size)
    handle(op, data)
  end
  if problem ~= "timeout" or (string.find(inbox, "\n") and not string.find(inbox, "^%a %d+\n")) then
    drop_client()
  end
end

local function pump(wait)
  local readers = { server, client }
  local writers = (client and first <= last) and { client } or {}
  local readable = socket.select(readers, writers, wait)
  if readable[server] then accept() end
  if client and readable[client] then receive() end
  flush()
end

function emit(tag, text)
  last = last + 1
  queue[last] = frame(tag, text)
  queued = queued + #queue[last]
  flush()
  while queued > limit and client do pump(1) end
  while queued > limit and drop_oldest() do end
end

local function hook()
  pump(0)
  if interrupted then
    interrupted = false
    error("interrupted!", 2)
  end
end

function os.exit(...)
  remove_files()
  return real_exit(...)
end

local function run(request)
  local id, code = string.match(request, "^(%S*) (.*)$")
  local chunk, compile_error, unfinished = compile(code or "", "=input")
  if unfinished then return emit("m", id) end
  local results
  if chunk then
    emit("r", id)
    interrupted = false
    debug.sethook(hook, "", ${HOOK_INSTRUCTIONS})
    results = pack(xpcall(chunk, error_handler))
    debug.sethook()
  else
    results = { n = 2, false, compile_error }
  end
  if results[1] then
    for i = 2, results.n do emit("v", show(results[i])) end
  else
    emit("x", show(results[2]))
  end
  emit("d", (results[1] and "1 " or "0 ") .. id)
end

while true do
  if #requests == 0 then pump(nil)
  else run(table.remove(requests, 1)) end
end
`}`;
