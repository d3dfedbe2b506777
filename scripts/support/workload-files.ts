import { resolve } from "node:path";

/** The workload rock's source directory (rockspec, `bioxen_seq.lua`, `bin/bioxen-seq`). */
export const WORKLOAD_ROCK_DIR = resolve(__dirname, "../../examples/rocks/bioxen-seq");

/** The workload rock's name on the rocks server. */
export const WORKLOAD_ROCK = "bioxen-seq";

/** The example FASTA file: four synthetic records (GC-rich, AT-rich, one with a soft-masked repeat and an N gap). */
export const SAMPLE_FASTA = resolve(__dirname, "../../examples/data/sample.fasta");
