import { DiscoveryService } from '@nestjs/core';

/** Marks a provider as a job (a `JobHandler`): the registry finds it at start, by name. */
export const Job = DiscoveryService.createDecorator<void>();
