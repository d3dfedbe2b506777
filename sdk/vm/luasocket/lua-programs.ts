/**
 * The LuaSocket programs, as constant Lua source. Every parameter arrives as an argument (`...`),
 * never inside the code. Each program prints one report line per event, `kind<TAB>field…`, and
 * gives up at its own deadline (seconds, the `timeout` argument) so nothing waits forever.
 */

/** Shared helpers: a deadline, and a connect that retries until the listener is up. */
const COMMON = `
local socket = require("socket")
local function deadline_after(seconds) return socket.gettime() + tonumber(seconds) end
local function left(deadline)
  local t = deadline - socket.gettime()
  if t <= 0 then error("deadline passed", 0) end
  return t
end
local function report(...) io.write(table.concat({ ... }, "\\t"), "\\n"); io.flush() end
local function connect_until(host, port, deadline)
  local last
  while socket.gettime() < deadline do
    local conn, err = socket.connect(host, port)
    if conn then conn:settimeout(left(deadline)); return conn end
    last = err
    socket.sleep(0.05)
  end
  error(("could not connect to %s:%s before the deadline: %s"):format(host, port, tostring(last)), 0)
end
local function listen(host, port)
  local server = assert(socket.bind(host, tonumber(port)))
  local bound_host, bound_port = server:getsockname()
  report("listening", bound_host, bound_port)
  return server
end
local function accept_until(server, deadline)
  server:settimeout(left(deadline))
  local conn, err = server:accept()
  if not conn then error("no connection before the deadline: " .. tostring(err), 0) end
  conn:settimeout(left(deadline))
  local peer_host, peer_port = conn:getpeername()
  return conn, peer_host .. ":" .. peer_port
end
local function send_line(conn, text, what)
  local ok, err = conn:send(text .. "\\n")
  if not ok then error(what .. ": " .. tostring(err), 0) end
end
local function receive_line(conn, deadline, what)
  conn:settimeout(left(deadline))
  local line, err = conn:receive("*l")
  if not line then error(what .. ": " .. tostring(err), 0) end
  return line
end
`;

/**
 * Server. Arguments: host, port, connections (how many clients to serve), timeout (seconds),
 * reply prefix. Each line a client sends is reported (`received<TAB>peer<TAB>line`) and answered
 * with prefix .. line; a client's connection ends when it closes. Returns the number of lines.
 */
export const SERVER_PROGRAM = `${COMMON}
local host, port, connections, timeout, prefix = ...
local deadline = deadline_after(timeout)
local server = listen(host, port)
local lines = 0
for _ = 1, tonumber(connections) do
  local conn, peer = accept_until(server, deadline)
  while true do
    conn:settimeout(left(deadline))
    local line, err = conn:receive("*l")
    if not line then
      if err ~= "closed" then error("receiving from " .. peer .. ": " .. tostring(err), 0) end
      break
    end
    lines = lines + 1
    report("received", peer, line)
    send_line(conn, prefix .. line, "replying to " .. peer)
  end
  conn:close()
end
server:close()
return lines
`;

/**
 * Client. Arguments: host, port, timeout (seconds), then the messages. Connects (retrying until
 * the server listens), sends each message as a line, reports each answer (`reply<TAB>line`).
 */
export const CLIENT_PROGRAM = `${COMMON}
local host, port, timeout = ...
local messages = { select(4, ...) }
local deadline = deadline_after(timeout)
local conn = connect_until(host, port, deadline)
for _, message in ipairs(messages) do
  send_line(conn, message, "sending to the server")
  report("reply", receive_line(conn, deadline, "waiting for the server's reply"))
end
conn:close()
return #messages
`;

/**
 * Peer. Arguments: listen host, listen port, peer host, peer port, timeout (seconds), message.
 * Listens, connects to the other peer (retrying until it listens) and sends its message; accepts
 * the other peer's connection, reports its message (`received<TAB>peer<TAB>line`) and acknowledges
 * it; finally reports the acknowledgement of its own message (`ack<TAB>line`).
 */
export const PEER_PROGRAM = `${COMMON}
local listen_host, listen_port, peer_host, peer_port, timeout, message = ...
local deadline = deadline_after(timeout)
local server = listen(listen_host, listen_port)
local outgoing = connect_until(peer_host, peer_port, deadline)
send_line(outgoing, message, "sending to the peer")
local incoming, from = accept_until(server, deadline)
local line = receive_line(incoming, deadline, "waiting for the peer's message")
report("received", from, line)
send_line(incoming, "ack " .. line, "acknowledging the peer's message")
report("ack", receive_line(outgoing, deadline, "waiting for the peer's acknowledgement"))
incoming:close(); outgoing:close(); server:close()
return "done"
`;
