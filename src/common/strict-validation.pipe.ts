import { ValidationPipe } from '@nestjs/common';

/**
 * Nest's ValidationPipe with `transform` also converts a single route or query value to the handler's declared
 * primitive type before that parameter's own pipe sees it: a `number` dossier id read `1e3` as 1000 and `0x10` as 16,
 * and `abc` reached ParseIntPipe as NaN. Here single values stay as they came, for their own pipes to parse; DTO
 * classes are validated and transformed as usual.
 */
export class StrictValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown): unknown {
    return value;
  }
}
