import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../config/app-config';
import { errorReporter, startErrorReporting } from './error-reporter';

describe('error reporting (SENTRY_DSN)', () => {
  let server: Server;
  const received: string[] = [];

  beforeAll(async () => {
    // A loopback stand-in for the Sentry ingestion endpoint: it keeps every envelope it is sent.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString());
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    // The SDK keeps a flush timer while enabled.
    await (await import('@sentry/nestjs')).close(1000);
    await new Promise((resolve) => server.close(resolve));
  });

  it('is off without a DSN', () => {
    expect(startErrorReporting(loadConfig({}).sentry, '1.0.0')).toBeNull();
    expect(errorReporter()).toBeNull();
  });

  it('sends an unexpected error with its environment and release, and nothing about the request', async () => {
    const { port } = server.address() as AddressInfo;
    const config = loadConfig({ SENTRY_DSN: `http://publickey@127.0.0.1:${port}/7`, SENTRY_ENVIRONMENT: 'staging' });
    const reporter = startErrorReporting(config.sentry, '1.2.3');
    expect(reporter).not.toBeNull();
    reporter!.report(new Error('pool exhausted'), { job: 'alert' });
    await reporter!.flush(5000);
    const envelope = received.join('\n');
    expect(envelope).toContain('pool exhausted');
    expect(envelope).toContain('"environment":"staging"');
    expect(envelope).toContain('"release":"1.2.3"');
    expect(envelope).toContain('"job":"alert"');
    expect(envelope).not.toContain('"request"');
  });
});
