import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { JobAlreadyRunningError, UnknownJobError } from '../jobs/job-errors';
import { StoreUnavailableError } from './store-unavailable';

/**
 * Every error leaves as `{ statusCode, error, message }`. Known domain errors map to their status; anything else is
 * logged with its stack and answered with a generic 500 that leaks nothing.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, message } = this.describe(exception);
    const body = { statusCode: status, error: HttpStatus[status] ?? 'Error', message };
    const retryAfter = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown): { status: number; message: string | string[] } {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: string | string[] }).message
          : exception.message;
      return { status: exception.getStatus(), message };
    }
    if (exception instanceof JobAlreadyRunningError) return { status: HttpStatus.CONFLICT, message: exception.message };
    if (exception instanceof UnknownJobError) return { status: HttpStatus.NOT_FOUND, message: exception.message };
    if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`store unavailable: ${exception.message}`);
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'Service momentanément indisponible : merci de réessayer dans quelques instants.',
      };
    }
    // Fastify's own client errors (bad JSON body, payload too large) carry a 4xx statusCode.
    const statusCode = (exception as { statusCode?: number })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { status: statusCode, message: (exception as Error).message };
    }
    this.logger.error('Unhandled error', exception instanceof Error ? exception.stack : String(exception));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}
