/**
 * End to end: kubectl 1.32's `create <kind>` commands send protobuf bodies
 * (`application/vnd.kubernetes.protobuf`, KUBECTL-WIRE §5.2); the server decodes them and the
 * objects read back as JSON with the fields kubectl set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl, type KubectlCluster, startKubectlCluster } from '../kubectl-harness.test-support.js';

interface Item {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: the test reads arbitrary object fields
  spec?: any;
  data?: Record<string, string>;
  type?: string;
}

/** kubectl's client-side JSON without the `null`s Go prints for zero times (never sent). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

describe('kubectl 1.32 create <kind> (protobuf bodies)', () => {
  it('finds kubectl on the PATH', () => {
    expect(hasKubectl()).toBe(true);
  });

  let k: KubectlCluster;
  const ok = (...args: string[]) => k.ok(...args);

  beforeAll(async () => {
    k = await startKubectlCluster({ nodes: 1, runtime: 'simulated', prefix: 'flotilla-kubectl-pb-' });
  });

  afterAll(() => k?.close());

  it('creates a namespace, deployment, configmap, secret, service and job', async () => {
    expect(await ok('create', 'namespace', 'demo')).toBe('namespace/demo created\n');
    expect(await ok('get', 'ns', 'demo', '-o', 'jsonpath={.status.phase}')).toBe('Active');
    expect(await ok('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '-n', 'demo')).toBe(
      'deployment.apps/web created\n',
    );
    expect(await ok('create', 'configmap', 'cfg', '--from-literal=a=b', '-n', 'demo')).toBe(
      'configmap/cfg created\n',
    );
    expect(await ok('create', 'secret', 'generic', 's', '--from-literal=p=q', '-n', 'demo')).toBe(
      'secret/s created\n',
    );
    expect(await ok('create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '-n', 'demo')).toBe(
      'service/svc created\n',
    );
    expect(await ok('create', 'job', 'j', '--image=busybox', '-n', 'demo')).toBe('job.batch/j created\n');

    const list = JSON.parse(await ok('get', 'deploy,cm,secret,svc,job', '-n', 'demo', '-o', 'json')) as {
      items: Item[];
    };
    const find = (kind: string, name: string) => {
      const item = list.items.find((i) => i.kind === kind && i.metadata.name === name);
      expect(item, `${kind} ${name}`).toBeDefined();
      return item as Item;
    };

    const deploy = find('Deployment', 'web');
    expect(deploy.metadata).toMatchObject({ namespace: 'demo', labels: { app: 'web' } });
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(deploy.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(deploy.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx:1.27' }]);

    expect(find('ConfigMap', 'cfg').data).toEqual({ a: 'b' });

    const secret = find('Secret', 's');
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ p: Buffer.from('q').toString('base64') });

    const svc = find('Service', 'svc');
    expect(svc.metadata.labels).toEqual({ app: 'svc' });
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'svc' },
      ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }],
    });

    const job = find('Job', 'j');
    expect(job.spec.template.spec).toMatchObject({
      restartPolicy: 'Never',
      containers: [{ name: 'j', image: 'busybox' }],
    });
  });

  it('every field kubectl sets reaches the stored object', async () => {
    const commands = [
      ['deployment', 'web2', '--image=nginx:1.27', '--replicas=0', '--port=80', '-n', 'demo'],
      ['configmap', 'cfg2', '--from-literal=x=y', '--from-literal=z=', '-n', 'demo'],
      ['secret', 'generic', 's2', '--from-literal=k=v', '--type=example.com/t', '-n', 'demo'],
      ['service', 'nodeport', 'np', '--tcp=443:https', '--node-port=30080', '-n', 'demo'],
      ['job', 'j2', '--image=busybox', '-n', 'demo'],
    ];
    for (const args of commands) {
      const command = args[0] === 'job' ? ['--', 'sh', '-c', 'echo hi'] : [];
      const sent = withoutNulls(
        JSON.parse(await ok('create', ...args, '--dry-run=client', '-o', 'json', ...command)),
      );
      const stored = JSON.parse(await ok('create', ...args, '-o', 'json', ...command));
      expect(stored, args.join(' ')).toMatchObject(sent as object);
    }
  });

  it('the protobuf-created Deployment rolls out', async () => {
    expect(await ok('rollout', 'status', 'deployment/web', '-n', 'demo', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
  });
});
