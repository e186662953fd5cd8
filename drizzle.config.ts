import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes both migration histories: the back office's own tables, and the embedded stand-in
// for the aggregator's tables.
export default defineConfig({
  dialect: 'postgresql',
  schema: process.env.DRIZZLE_TARGET === 'aggregator' ? './src/database/aggregator-schema.ts' : './src/database/schema.ts',
  out: process.env.DRIZZLE_TARGET === 'aggregator' ? './drizzle/aggregator' : './drizzle/main',
});
