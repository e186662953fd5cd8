// A DS GraphQL API on loopback serving `count` dossiers spread over `demarches` démarches, for `npm run bench`. The
// dossiers are built on demand from a few thousand synthetic ones (numbers and modification dates made unique), so
// that the server's memory does not grow with the count and only the measured import holds data.
require('./ts-register');
const { FakeDsServer } = require('../test/ds-api/fake-ds-server.ts');
const { toDsNode } = require('../test/ds-api/v1-to-v2.ts');
const { generateDossierRecords } = require('../dist/demo/demo-dataset');

const TEMPLATES = 2000;
const FIRST_NUMBER = 1_000_000;

async function startBenchDsServer({ token, demarches, count, now }) {
  const server = new FakeDsServer(token, new Set(demarches));
  const templates = [...generateDossierRecords({ count: TEMPLATES, now })].map(toDsNode);
  const base = now.getTime() - count * 1000;
  for (let i = 0; i < count; i++) {
    const updatedAt = new Date(base + i * 1000).toISOString();
    const number = FIRST_NUMBER + i;
    server.append({
      demarche: demarches[i % demarches.length],
      number,
      updatedAt,
      node: () => ({ ...templates[i % TEMPLATES], number, dateDerniereModification: updatedAt }),
    });
  }
  await server.start();
  return server;
}

module.exports = { startBenchDsServer };
