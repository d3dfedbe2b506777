/** One line a LuaSocket program reported: its kind and tab-separated fields (the last keeps any tabs). */
export interface ReportLine {
  kind: string;
  fields: string[];
}

/**
 * Reads the `kind<TAB>field…` lines a LuaSocket program printed. Lines whose kind is not in
 * `fieldCounts` (the chunk's returned value, for instance) are skipped; the last field of a known
 * kind keeps any further tabs, since it is a message.
 */
export function parseReport(stdout: string, fieldCounts: Record<string, number>): ReportLine[] {
  const lines: ReportLine[] = [];
  for (const line of stdout.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const count = fieldCounts[kind];
    if (count === undefined) continue;
    const parts = line.slice(tab + 1).split("\t");
    lines.push({ kind, fields: [...parts.slice(0, count - 1), parts.slice(count - 1).join("\t")] });
  }
  return lines;
}
