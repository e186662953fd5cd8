import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { knownVariables } from '../src/config/environment';

const DIR = join(__dirname, '..', 'deploy', 'kubernetes');

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: Record<string, unknown>;
}

interface Probe {
  httpGet: { path: string; port: string };
  timeoutSeconds?: number;
}

interface Container {
  env?: Array<{ name: string }>;
  ports: Array<{ name: string; containerPort: number }>;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS() as Manifest;
    }),
  );
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1]);

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const deployment = byKind('Deployment')[0];
  const template = (
    deployment.spec as { template: { metadata: Manifest['metadata']; spec: { containers: Container[] } } }
  ).template;
  const container = template.spec.containers[0];
  const config = byKind('ConfigMap')[0].data ?? {};
  const secret = byKind('Secret')[0].stringData ?? {};

  it('parses, with a Deployment, a Service, a ConfigMap and a Secret template', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      expect.arrayContaining(['ConfigMap', 'Deployment', 'Secret', 'Service']),
    );
  });

  it('uses only environment variables the configuration knows', () => {
    const known = new Set(knownVariables());
    const used = [...Object.keys(config), ...Object.keys(secret), ...(container.env ?? []).map((e) => e.name)];
    expect(used.length).toBeGreaterThan(10);
    const unknown = used.filter((name) => !known.has(name) && !/^MONTHLY_REPORT_RECIPIENTS_\w+$/.test(name));
    expect(unknown).toEqual([]);
  });

  it('probes the liveness and readiness routes, readiness within its own timeout', () => {
    expect(container.startupProbe.httpGet.path).toBe('/api/liveness');
    expect(container.livenessProbe.httpGet.path).toBe('/api/liveness');
    expect(container.readinessProbe.httpGet.path).toBe('/api/readiness');
    expect(Number(config.HEALTH_CHECK_TIMEOUT_MS)).toBeLessThan((container.readinessProbe.timeoutSeconds ?? 1) * 1000);
  });

  it('exposes the ports the configuration sets, and annotates the metrics port for scraping', () => {
    const ports = Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: Number(config.API_PORT), metrics: Number(config.METRICS_PORT) });
    expect(template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': config.METRICS_PORT,
      'prometheus.io/path': '/metrics',
    });
  });

  it('runs in production mode and sizes memory above the measured peak RSS (302 MB at worst)', () => {
    expect(config.NODE_ENV).toBe('production');
    expect(secret.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(mebibytes(container.resources.limits.memory)).toBeGreaterThan(302);
    expect(mebibytes(container.resources.requests.memory)).toBeGreaterThanOrEqual(224);
  });
});
