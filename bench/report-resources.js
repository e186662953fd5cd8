// Preloaded with `node -r` into a measured command: prints its peak RSS and CPU time on exit, to stderr.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(
    2,
    `\n@@resources ${JSON.stringify({ maxRssMb: Math.round(usage.maxRSS / 1024), cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) })}\n`,
  );
});
