-- The example workload's rock. scripts/support/rocks-server.ts packs this directory into a
-- tarball and replaces @ROCK_ARCHIVE@ with its path; the archive's top directory is "bioxen-seq".
package = "bioxen-seq"
version = "1.0-1"
source = {
  url = "file://@ROCK_ARCHIVE@",
  dir = "bioxen-seq",
}
description = {
  summary = "GC content and k-mer counts over FASTA files",
  detailed = "A pure-Lua FASTA parser with per-record GC content and k-mer counts; the bioxen-luavm example workload.",
  license = "MIT",
}
dependencies = { "lua >= 5.1" }
build = {
  type = "builtin",
  modules = { bioxen_seq = "bioxen_seq.lua" },
  install = { bin = { ["bioxen-seq"] = "bin/bioxen-seq" } },
}
