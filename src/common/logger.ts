import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { Params } from 'nestjs-pino';
import pino, { DestinationStream, Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { LogLevelName } from './log-levels';

export type RootLogger = Logger;

/** Anything lines can be written to. */
export interface LineSink {
  write(line: string): unknown;
}

export interface LogOptions {
  level: LogLevelName;
  format: 'text' | 'json';
  /** 1 (stdout) for the service, 2 (stderr) for the CLI, whose stdout holds the results; or any sink (tests, CLI). */
  destination: 1 | 2 | LineSink;
}

/**
 * Headers that carry credentials. The access log serialises the request itself (method and path only), so these
 * never reach it; the paths are redacted as well in case a line is ever given a whole request by mistake.
 */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * The process's one logger: one JSON object per line (ISO time, standard level names, fields rather than text) for
 * log collectors, or readable lines (LOG_FORMAT=text). Writes are synchronous, formatting included, so that the
 * last lines before an exit are never lost and lines keep their order with the CLI's own output.
 */
export function createRootLogger(options: LogOptions): RootLogger {
  const config = {
    level: options.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // The platform adds the host (the pod); the pid tells two processes of one container apart.
    base: { pid: process.pid },
    redact: { paths: REDACTED, censor: '[redacted]' },
  };
  const target = options.destination;
  const sink: LineSink = typeof target === 'number' ? pino.destination({ fd: target, sync: true }) : target;
  if (options.format === 'json') return pino(config, sink as DestinationStream);
  const tty = typeof target === 'number' && Boolean((target === 1 ? process.stdout : process.stderr).isTTY);
  const prettify = prettyFactory({
    colorize: tty,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    messageKey: 'msg',
    singleLine: true,
  });
  return pino(config, { write: (line: string) => void sink.write(prettify(line)) });
}

/** A request id a client or proxy may give us: short, printable, no spaces (it goes into logs and headers). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** X-Request-Id when a client or proxy sent a sane one (so one id follows a request across services), else a UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The path as logged: without the query, and with the public check's dossier number and birth date replaced by
 * their names, since together they identify a person.
 */
export function loggedPath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0];
  return path.replace(/(\/apt_validity_check)(\/[^/]*){1,2}/, '$1/:ds_id/:date');
}

/** nestjs-pino settings: one access line per request, a request id on every line logged while serving it. */
export function loggerModuleParams(root: RootLogger): Params {
  return {
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      logger: root,
      // Fastify has already given the request its id (see createFastifyAdapter); this is only a fallback.
      genReqId: (req) => req.id ?? requestIdOf(req),
      customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
      // Lines logged during a request carry its id only, not the whole request.
      quietReqLogger: true,
      serializers: {
        req: (req: IncomingMessage) => ({ method: req.method, path: loggedPath(req.url) }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: (req, res) => `${req.method} ${loggedPath(req.url)} ${res.statusCode}`,
      customErrorMessage: (req, res) => `${req.method} ${loggedPath(req.url)} ${res.statusCode}`,
    },
  };
}
