import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { describeError, stackFrames } from './describe-error';
import { DomainError } from './domain-error';
import { errorReporter } from './error-reporter';

/** The one error body: `message` is always one string. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * Every error leaves as `{ statusCode, error, message }`, the message in French wherever someone outside the team
 * may read it (public routes, 401, 404, 409, 429, 500). Known domain errors map to their status; anything else is
 * logged with its stack, reported, and answered with a generic 500 that leaks nothing.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.describe(exception);
    // A limit or a busy instance says when to come back (the time left in its window).
    const retryAfter = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  describe(exception: unknown): ErrorBody {
    const { status, message } = this.statusAndMessage(exception);
    return { statusCode: status, error: HttpStatus[status] ?? 'ERROR', message };
  }

  private statusAndMessage(exception: unknown): { status: number; message: string } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const raw =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: unknown }).message
          : exception.message;
      return { status, message: FRENCH_BY_STATUS[status]?.(oneLine(raw)) ?? oneLine(raw) };
    }
    if (exception instanceof DomainError) {
      if (exception.status >= 500) this.logger.warn(`${exception.constructor.name}: ${exception.message}`);
      return { status: exception.status, message: exception.publicMessage };
    }
    // Fastify's own client errors (bad JSON body, payload too large) carry a 4xx statusCode.
    const statusCode = (exception as { statusCode?: number })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { status: statusCode, message: FASTIFY_MESSAGES[statusCode] ?? 'Requête invalide.' };
    }
    // Without the query's text and parameters, which carry dossier data (see describeError): neither in the log
    // nor in the error report.
    const described = describeError(exception);
    this.logger.error(`Unhandled error: ${described}`, stackFrames(exception));
    const reported = new Error(described);
    reported.stack = `Error: ${described}\n${stackFrames(exception) ?? ''}`;
    errorReporter()?.report(reported);
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Erreur interne du serveur.' };
  }
}

function oneLine(message: unknown): string {
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : String(message);
}

function frenchThrottleMessage(message: string): string {
  return message.startsWith('Trop de') ? message : 'Trop de demandes : merci de réessayer plus tard.';
}

/**
 * French for the framework's own English messages that reach people outside the team: an unknown route, and a
 * 401/404/409/429 raised without a French message. Messages already written in French pass through.
 */
const FRENCH_BY_STATUS: Record<number, (message: string) => string | undefined> = {
  [HttpStatus.NOT_FOUND]: (m) => (/^Cannot [A-Z]+ /.test(m) || m === 'Not Found' ? 'Adresse inconnue.' : undefined),
  [HttpStatus.UNAUTHORIZED]: (m) => (m === 'Unauthorized' ? "Un jeton d'administration valide est requis." : undefined),
  [HttpStatus.CONFLICT]: (m) => (m === 'Conflict' ? 'Cette opération est déjà en cours.' : undefined),
  [HttpStatus.TOO_MANY_REQUESTS]: (m) => frenchThrottleMessage(m),
  [HttpStatus.INTERNAL_SERVER_ERROR]: () => 'Erreur interne du serveur.',
};

const FASTIFY_MESSAGES: Record<number, string> = {
  400: 'Requête invalide.',
  404: 'Adresse inconnue.',
  413: 'Requête trop volumineuse.',
  415: 'Type de contenu non pris en charge.',
};
