require('reflect-metadata');
const { PgDialect } = require('drizzle-orm/pg-core');
const { PgDossierStatisticsRepository } = require('./dist/dossier-source/dossier-statistics.pg.repository');
const db = { aggregator: { execute: async (q) => { const r = new PgDialect().sqlToQuery(q); console.log(JSON.stringify(r)); return { rows: [] }; } } };
const repo = new PgDossierStatisticsRepository(db, { dsBaseUrl: 'https://www.demarches-simplifiees.fr' });
(async () => { for await (const m of repo.decisionsByMonth({ year: 2024, month: 1 }, { year: 2024, month: 12 })) {} })();
