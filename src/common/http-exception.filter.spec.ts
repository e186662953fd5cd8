import {
  BadRequestException,
  ConflictException,
  HttpException,
  InternalServerErrorException,
  Logger,
} from '@nestjs/common';
import { JobAlreadyRunningError } from '../jobs/job-errors';
import { HttpExceptionFilter } from './http-exception.filter';

describe('HttpExceptionFilter', () => {
  const filter = new HttpExceptionFilter();
  beforeAll(() => Logger.overrideLogger(false));

  it('answers a job already running with 409 in French', () => {
    expect(filter.describe(new JobAlreadyRunningError('alert'))).toEqual({
      statusCode: 409,
      error: 'CONFLICT',
      message: 'La tâche alert est déjà en cours.',
    });
    expect(filter.describe(new ConflictException()).message).toBe('Cette opération est déjà en cours.');
  });

  it('joins a list of validation messages into one string', () => {
    const body = filter.describe(new BadRequestException(['limit must be an integer', 'job must be a string']));
    expect(body).toEqual({
      statusCode: 400,
      error: 'BAD_REQUEST',
      message: 'limit must be an integer; job must be a string',
    });
  });

  it('answers a bare 429 in French', () => {
    expect(filter.describe(new HttpException('Too Many Requests', 429)).message).toBe(
      'Trop de demandes : merci de réessayer plus tard.',
    );
  });

  it('answers an unexpected error with a generic French 500 that leaks nothing', () => {
    const body = filter.describe(new Error('connection to 10.0.0.5 refused for user wif'));
    expect(body).toEqual({ statusCode: 500, error: 'INTERNAL_SERVER_ERROR', message: 'Erreur interne du serveur.' });
    expect(filter.describe(new InternalServerErrorException('pool exhausted')).message).toBe(
      'Erreur interne du serveur.',
    );
  });
});
