/**
 * The Lua program (LuaSocket) an attachment runs on the target: it connects to the session's
 * socket (`BIOXEN_SESSION_SOCKET`) and copies bytes both ways. From stdin it forwards whole
 * requests (`<op> <bytes>\n<data>`, read unbuffered so nothing waits in a stdio buffer while
 * select sleeps); end of stdin detaches (the relay exits, the session keeps running). It exits 3
 * with a message on stderr when the socket cannot be reached.
 */
export const RELAY_PROGRAM = String.raw`
local socket = require("socket")
local unix = require("socket.unix")
local path = os.getenv("BIOXEN_SESSION_SOCKET")
local connection = unix.stream()
local ok, problem = connection:connect(path)
if not ok then
  io.stderr:write("cannot connect to ", tostring(path), ": ", tostring(problem), "\n")
  os.exit(3)
end
connection:settimeout(0)
io.stdin:setvbuf("no")
io.stdout:setvbuf("no")
local stdin = { getfd = function() return 0 end, dirty = function() return false end }
while true do
  local readable = socket.select({ connection, stdin }, nil)
  if readable[connection] then
    local data, problem, partial = connection:receive(65536)
    local got = data or partial or ""
    if #got > 0 and not io.stdout:write(got) then os.exit(0) end
    if problem == "closed" then os.exit(0) end
  end
  if readable[stdin] then
    local header = io.stdin:read("*l")
    if not header then os.exit(0) end
    local size = tonumber(string.match(header, "^%a (%d+)$"))
    if not size then os.exit(2) end
    local body = size > 0 and io.stdin:read(size) or ""
    connection:settimeout(nil)
    connection:send(header .. "\n" .. body)
    connection:settimeout(0)
  end
end
`;
