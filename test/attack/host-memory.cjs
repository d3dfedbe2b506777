// Preloaded into the provider host by the load test (node --require): reports the process's peak
// resident set (KiB) on stderr whenever it grows, so the last such line is the peak.
let peak = 0;
setInterval(() => {
  const maxRss = process.resourceUsage().maxRSS;
  if (maxRss > peak) {
    peak = maxRss;
    process.stderr.write(`bioxen-peak-rss-kib:${maxRss}\n`);
  }
}, 200).unref();
