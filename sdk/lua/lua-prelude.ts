/**
 * Lua shared by the run program and the session worker (5.1 through 5.4 and LuaJIT): `pack`
 * (5.1 has no table.pack), `unpack`, `load_string` (5.1's loadstring vs load) and
 * `error_handler`, which turns any error value into "message\nstack traceback:…" like lua.c does,
 * cut where the wrapper's own frames (xpcall and below) begin.
 */
export const LUA_PRELUDE = String.raw`
local unpack = unpack or table.unpack
local load_string = loadstring or load
local select, tostring, type, getmetatable = select, tostring, type, getmetatable
local function pack(...) return { n = select("#", ...), ... } end
local function error_handler(e)
  if type(e) ~= "string" then
    local mt = getmetatable(e)
    if type(mt) == "table" and mt.__tostring then e = tostring(e)
    else e = "(error object is a " .. type(e) .. " value)" end
  end
  local trace = debug.traceback(e, 2)
  local cut = string.find(trace, "\n\t[C]: in function 'xpcall'", 1, true)
  if not cut then return trace end
  trace = string.sub(trace, 1, cut - 1)
  return (string.gsub(trace, "\n\t%(%.*tail calls?%.*%)[^\n]*$", ""))
end
local function show(value)
  local ok, text = pcall(tostring, value)
  if ok and type(text) == "string" then return text end
  return "(tostring failed: " .. tostring(text) .. ")"
end
`;
