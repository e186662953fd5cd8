import { ConsoleLogger, LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Human-readable lines on a terminal, one JSON object per line for log collectors (LOG_FORMAT=json). */
export function createLogger(options: { level: string; format: 'text' | 'json' }): ConsoleLogger {
  const upTo = Math.max(ORDER.indexOf(options.level as LogLevel), ORDER.indexOf('error'));
  return new ConsoleLogger({ json: options.format === 'json', logLevels: ORDER.slice(0, upTo + 1), timestamp: true });
}
