import { HttpStatus } from '@nestjs/common';

/**
 * An error of the application's own rules that a request can cause, carrying the HTTP status it answers with. The
 * exception filter turns any of them into `{ statusCode, error, message }` without knowing the feature it comes from.
 * `message` is the answer's message: give it in French when the public (not only admins) can see it.
 */
export abstract class DomainError extends Error {
  abstract readonly status: HttpStatus;

  /** What the HTTP answer says (French for anything the public or staff may read); the message by default. */
  get publicMessage(): string {
    return this.message;
  }
}
