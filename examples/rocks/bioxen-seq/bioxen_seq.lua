--- bioxen_seq: GC content and k-mer counts over FASTA text (pure Lua, 5.1 to 5.4).
-- Bases are counted case-insensitively; only A, C, G and T are "called" bases: N and other
-- IUPAC ambiguity codes count towards a record's length but never towards GC or k-mers.
local M = { _VERSION = "1.0" }

--- Parses FASTA text into records `{ id, description, sequence }` (sequence upper-cased, line
-- breaks and white space removed). Blank lines and `;` comment lines are skipped. Raises an
-- error naming the line when sequence data comes before the first `>` header.
function M.parse_fasta(text)
  local records, current, parts = {}, nil, nil
  local line_number = 0
  local function finish()
    if current then
      current.sequence = table.concat(parts):upper()
      records[#records + 1] = current
    end
  end
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    line_number = line_number + 1
    line = line:gsub("\r$", "")
    if line:sub(1, 1) == ">" then
      finish()
      local id, description = line:match("^>%s*(%S*)%s*(.-)%s*$")
      current, parts = { id = id, description = description }, {}
    elseif line:match("^%s*$") or line:sub(1, 1) == ";" then
      -- blank or comment line
    elseif not current then
      error(("FASTA line %d: sequence data before the first '>' header"):format(line_number), 2)
    else
      parts[#parts + 1] = (line:gsub("%s+", ""))
    end
  end
  finish()
  return records
end

--- Fraction of G and C among the called bases (A, C, G, T) of `seq`; 0 when there are none.
-- Also returns the number of called bases.
function M.gc_content(seq)
  local upper = seq:upper()
  local _, gc = upper:gsub("[GC]", "")
  local _, called = upper:gsub("[ACGT]", "")
  if called == 0 then return 0, 0 end
  return gc / called, called
end

--- Counts every k-mer of `seq` (a window of `k` called bases; windows touching N or another
-- ambiguity code are skipped). Returns the table kmer → count and the number of windows counted.
function M.kmer_counts(seq, k)
  if type(k) ~= "number" or k < 1 or k % 1 ~= 0 then
    error("kmer_counts: k must be a positive integer, got " .. tostring(k), 2)
  end
  local upper, counts, total = seq:upper(), {}, 0
  for i = 1, #upper - k + 1 do
    local kmer = upper:sub(i, i + k - 1)
    if not kmer:find("[^ACGT]") then
      counts[kmer] = (counts[kmer] or 0) + 1
      total = total + 1
    end
  end
  return counts, total
end

--- The `n` most frequent k-mers as `{ kmer, count }`, highest count first, ties alphabetical.
function M.top_kmers(counts, n)
  local list = {}
  for kmer, count in pairs(counts) do list[#list + 1] = { kmer = kmer, count = count } end
  table.sort(list, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return a.kmer < b.kmer
  end)
  for i = #list, n + 1, -1 do list[i] = nil end
  return list
end

--- The per-record report of FASTA text: `{ k, records = { { id, description, length, called,
-- gc, n, kmers, top = { {kmer, count}, … } } } }`. `k` defaults to 3, `top` to 5.
function M.report(fasta_text, k, top)
  k, top = k or 3, top or 5
  local result = { k = k, records = {} }
  for _, record in ipairs(M.parse_fasta(fasta_text)) do
    local seq = record.sequence
    local gc, called = M.gc_content(seq)
    local counts, windows = M.kmer_counts(seq, k)
    result.records[#result.records + 1] = {
      id = record.id, description = record.description, length = #seq, called = called,
      gc = gc, n = #seq - called, kmers = windows, top = M.top_kmers(counts, top),
    }
  end
  return result
end

--- The report as text: one line per record, `id  length  GC%  top k-mers`.
function M.format_report(report)
  local lines = { ("%-12s %8s %7s  top %d-mers"):format("record", "length", "GC%", report.k) }
  for _, r in ipairs(report.records) do
    local top = {}
    for i, entry in ipairs(r.top) do top[i] = entry.kmer .. "=" .. entry.count end
    lines[#lines + 1] = ("%-12s %8d %7.2f  %s"):format(r.id, r.length, r.gc * 100, table.concat(top, " "))
  end
  return table.concat(lines, "\n")
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ({ ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\t"] = "\\t" })[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

--- The report as one line of JSON (GC rounded to 6 decimals), for programs that parse it.
function M.report_json(report)
  local records = {}
  for i, r in ipairs(report.records) do
    local top = {}
    for j, entry in ipairs(r.top) do top[j] = ("[%s,%d]"):format(json_string(entry.kmer), entry.count) end
    records[i] = ('{"id":%s,"description":%s,"length":%d,"called":%d,"n":%d,"gc":%.6f,"kmers":%d,"top":[%s]}')
      :format(json_string(r.id), json_string(r.description), r.length, r.called, r.n, r.gc, r.kmers, table.concat(top, ","))
  end
  return ('{"k":%d,"records":[%s]}'):format(report.k, table.concat(records, ","))
end

--- Command line: `bioxen-seq [-k K] [-n TOP] [--json] [FILE]` (FILE or "-" = stdin).
-- Returns the exit code; prints the report or an error message.
function M.main(args)
  local k, top, json, path = 3, 5, false, "-"
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == "-k" or a == "-n" then
      local value = tonumber(args[i + 1])
      if not value then io.stderr:write("bioxen-seq: ", a, " needs a number\n") return 2 end
      if a == "-k" then k = value else top = value end
      i = i + 1
    elseif a == "--json" then json = true
    else path = a end
    i = i + 1
  end
  local text
  if path == "-" then text = io.read("*a") else
    local file, err = io.open(path, "rb")
    if not file then io.stderr:write("bioxen-seq: ", err, "\n") return 1 end
    text = file:read("*a")
    file:close()
  end
  local ok, report = pcall(M.report, text, k, top)
  if not ok then io.stderr:write("bioxen-seq: ", tostring(report), "\n") return 1 end
  print(json and M.report_json(report) or M.format_report(report))
  return 0
end

return M
