/**
 * Issue #11: one user session, in order. `flotilla up --nodes 3 --runtime process` runs as a child
 * process (Node + tsx, from source) and the real kubectl 1.32 drives it through the kubeconfig it
 * writes: a namespace, Deployments made by `create` and by `apply -f`, selectors, a watch, describe,
 * scale, a rolling update and its undo, a Service and its Endpoints, labels, logs, exec, deletions
 * (a pod replaced, a Deployment cascaded, the namespace emptied), then SIGTERM. Each step asserts
 * kubectl's exit code and what it prints. The process runtime runs `examples/images/web` as real
 * processes, so logs and exec show what a container really wrote and really sees. Loopback only.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  children,
  killChildren,
  eventually as poll,
  portIsClosed,
  processesOfPod,
  type Running,
  runKubectl,
  start,
} from './kubectl.test-support.js';

const packageDir = join(import.meta.dirname, '..');
const NS = 'shop';

const eventually = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000) =>
  poll(what, read, ok, timeoutMs, 250);

/** Every live descendant of `root` (by parent pid, from /proc/<pid>/stat). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [pid, ppid] of parent) {
      if (ppid === p) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

/** Alive and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const API_V1 = (replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: api
        image: web:v1
        ports:
        - containerPort: 8080
${extra}`;
const API_CHANGED = API_V1(
  2,
  `        env:
        - name: MODE
          value: staging
`,
);

interface PodInfo {
  readonly name: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly image: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
}

describe('kubectl scenario against `flotilla up` (issue #11)', () => {
  let dir: string;
  let kubeconfig: string;
  let env: NodeJS.ProcessEnv;
  let flotilla: Running;
  let port: number;
  const began = Date.now();

  const kubectl = (...args: string[]) => runKubectl(env, args, 30_000);

  /** Runs kubectl, asserts exit code 0 (with its stderr as the message) and returns stdout. */
  async function ok(...args: string[]): Promise<string> {
    const r = await kubectl(...args);
    expect(r.code, `kubectl ${args.join(' ')}\n${r.out}${r.err}`).toBe(0);
    return r.out;
  }

  async function pods(selector: string): Promise<PodInfo[]> {
    const list = JSON.parse(await ok('get', 'pods', '-n', NS, '-l', selector, '-o', 'json')) as {
      items: {
        metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
        spec: { containers: { image: string }[] };
        status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
      }[];
    };
    return list.items.map((p) => ({
      name: p.metadata.name,
      phase: p.status.phase ?? '',
      ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      terminating: p.metadata.deletionTimestamp !== undefined,
      image: p.spec.containers[0]?.image ?? '',
      ip: p.status.podIP ?? '',
      labels: p.metadata.labels ?? {},
    }));
  }

  /** Waits until exactly `n` pods match, all Running, Ready, not terminating and (if given) on `image`. */
  function settled(selector: string, n: number, image?: string): Promise<PodInfo[]> {
    return eventually(
      `${n} ready pods -l ${selector}${image ? ` on ${image}` : ''}`,
      () => pods(selector),
      (list) =>
        list.length === n &&
        list.every(
          (p) =>
            p.phase === 'Running' && p.ready && !p.terminating && (image === undefined || p.image === image),
        ),
    );
  }

  /** `kubectl get …` as a long-running child (a watch). */
  function watch(...args: string[]): Running {
    return start('kubectl', ['get', ...args], { env });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-scenario-'));
    kubeconfig = join(dir, 'kubeconfig');
    env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig };
    writeFileSync(join(dir, 'api.yaml'), API_V1(1));
    writeFileSync(join(dir, 'api-changed.yaml'), API_CHANGED);
    flotilla = start(
      process.execPath,
      [
        '--conditions=@flotilla/source',
        '--import',
        'tsx',
        'src/flotilla.ts',
        'up',
        '--nodes',
        '3',
        '--runtime',
        'process',
        '--port',
        '0',
        '--kubeconfig',
        kubeconfig,
      ],
      { env: { PATH: process.env.PATH, HOME: dir }, cwd: packageDir },
    );
    port = Number((await flotilla.waitFor(/API server: https:\/\/127\.0\.0\.1:(\d+)\n/))[1]);
    await flotilla.waitFor(/export KUBECONFIG=\S+\n/);
    expect(flotilla.out()).toMatch(/^Flotilla is up: 3 nodes \(process runtime\), in-memory store\n/);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
  });

  afterAll(async () => {
    // After a failed step flotilla may still run: SIGTERM stops its container processes too.
    if (flotilla && children.has(flotilla.child)) {
      flotilla.child.kill('SIGTERM');
      await Promise.race([flotilla.exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    killChildren();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`kubectl scenario: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  });

  it('get nodes: three Ready nodes', async () => {
    const out = await ok('get', 'nodes');
    expect(out).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    for (const n of [1, 2, 3]) expect(out).toMatch(new RegExp(`\\nnode-${n}\\s+Ready\\s`));
    expect(out.trim().split('\n')).toHaveLength(4);
  });

  it('create namespace shop', async () => {
    expect(await ok('create', 'namespace', NS)).toBe(`namespace/${NS} created\n`);
    expect(await ok('get', 'namespace', NS)).toMatch(/^NAME\s+STATUS\s+AGE\nshop\s+Active\s+\d+s\n$/);
  });

  it('create deployment web --image=web:v1 --replicas=2 rolls out two pods', async () => {
    expect(
      await ok('create', 'deployment', 'web', '--image=web:v1', '--replicas=2', '--port=8080', '-n', NS),
    ).toBe('deployment.apps/web created\n');
    expect(await ok('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=30s')).toContain(
      'deployment "web" successfully rolled out',
    );
    expect(await ok('get', 'deployment', 'web', '-n', NS)).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\d+s\n$/,
    );
    const web = await settled('app=web', 2, 'web:v1');
    for (const p of web) expect(p.name).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5}$/);
  });

  it('apply -f: a new Deployment is created, the same file is unchanged, a changed file is configured', async () => {
    expect(await ok('apply', '-f', join(dir, 'api.yaml'), '-n', NS)).toBe('deployment.apps/api created\n');
    expect(await ok('apply', '-f', join(dir, 'api.yaml'), '-n', NS)).toBe('deployment.apps/api unchanged\n');
    expect(await ok('apply', '-f', join(dir, 'api-changed.yaml'), '-n', NS)).toBe(
      'deployment.apps/api configured\n',
    );
    expect(
      await ok(
        'get',
        'deployment',
        'api',
        '-n',
        NS,
        '-o',
        'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].env[0].name}={.spec.template.spec.containers[0].env[0].value}',
      ),
    ).toBe('2 MODE=staging');
    expect(await ok('rollout', 'status', 'deployment/api', '-n', NS, '--timeout=30s')).toContain(
      'deployment "api" successfully rolled out',
    );
    await settled('app=api', 2);
    // The file applied last is what the live object remembers: applying it again changes nothing.
    expect(await ok('apply', '-f', join(dir, 'api-changed.yaml'), '-n', NS)).toBe(
      'deployment.apps/api unchanged\n',
    );
  });

  it('get pods -l: equality and set-based selectors list exactly the matching pods', async () => {
    expect(await ok('run', 'cache', '--image=web:v1', '--labels=app=cache', '--port=8080', '-n', NS)).toBe(
      'pod/cache created\n',
    );
    expect(await ok('wait', '--for=condition=Ready', 'pod/cache', '-n', NS, '--timeout=30s')).toBe(
      'pod/cache condition met\n',
    );
    const web = (await pods('app=web')).map((p) => p.name).sort();
    const api = (await pods('app=api')).map((p) => p.name).sort();
    expect(web).toHaveLength(2);
    expect(api).toHaveLength(2);
    const rows = (out: string) =>
      out
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0])
        .sort();

    const equality = await ok('get', 'pods', '-l', 'app=web', '-n', NS);
    expect(equality).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(equality.match(/\nweb-\S+\s+1\/1\s+Running\s+0\s+\d+s/g)).toHaveLength(2);
    expect(rows(equality)).toEqual(web);

    const setBased = await ok('get', 'pods', '-l', 'app in (web,api)', '-n', NS);
    expect(rows(setBased)).toEqual([...api, ...web].sort());
    expect(setBased).not.toContain('cache');

    const notIn = await ok('get', 'pods', '-l', 'app notin (web,api)', '-n', NS);
    expect(rows(notIn)).toEqual(['cache']);

    const none = await kubectl('get', 'pods', '-l', 'app=db', '-n', NS);
    expect(none).toEqual({ code: 0, out: '', err: `No resources found in ${NS} namespace.\n` });
  });

  it('get pods -w prints a change made while it runs', async () => {
    const w = watch('pods', '-n', NS, '-w');
    await w.waitFor(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n(.*\n)*cache\s+1\/1\s+Running\s/);
    const before = w.out().length;
    expect(await ok('delete', 'pod', 'cache', '-n', NS, '--wait=false')).toBe('pod "cache" deleted\n');
    await eventually(
      'a Terminating row for cache in the watch',
      async () => w.out().slice(before),
      (s) => /(^|\n)cache\s+[01]\/1\s+Terminating\s/.test(s),
      15_000,
    );
    expect(w.child.exitCode).toBeNull(); // still watching
    w.child.kill('SIGTERM');
    await w.exited;
    const gone = await eventually(
      'cache deleted',
      () => kubectl('get', 'pod', 'cache', '-n', NS),
      (r) => r.code !== 0,
    );
    expect(gone.err).toContain('Error from server (NotFound): pods "cache" not found');
  });

  it('describe deployment web: replicas, NewReplicaSet, Events', async () => {
    const rs = (await ok('get', 'rs', '-l', 'app=web', '-n', NS, '-o', 'name')).trim();
    expect(rs).toMatch(/^replicaset\.apps\/web-[a-z0-9]+$/);
    const rsName = rs.slice('replicaset.apps/'.length);
    const out = await ok('describe', 'deployment', 'web', '-n', NS);
    expect(out).toMatch(/^Name:\s+web\n/);
    expect(out).toMatch(/\nNamespace:\s+shop\n/);
    expect(out).toMatch(/\nSelector:\s+app=web\n/);
    expect(out).toMatch(/\nReplicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable\n/);
    expect(out).toMatch(/\nStrategyType:\s+RollingUpdate\n/);
    expect(out).toMatch(/\n\s+Image:\s+web:v1\n/);
    expect(out).toContain(`\nNewReplicaSet:   ${rsName} (2/2 replicas created)\n`);
    expect(out).toMatch(/\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/);
    expect(out).toMatch(
      new RegExp(
        `\\n\\s+Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rsName}\\b[^\\n]* to 2`,
      ),
    );
  });

  it('scale --replicas=4: four pods run', async () => {
    expect(await ok('scale', 'deployment/web', '--replicas=4', '-n', NS)).toBe(
      'deployment.apps/web scaled\n',
    );
    const web = await settled('app=web', 4, 'web:v1');
    expect(new Set(web.map((p) => p.name)).size).toBe(4);
    await eventually(
      'web 4/4',
      () => ok('get', 'deployment', 'web', '-n', NS, '--no-headers'),
      (out) => /^web\s+4\/4\s+4\s+4\s/.test(out),
    );
  });

  it('set image + rollout status: every pod runs the new image', async () => {
    const old = new Set((await pods('app=web')).map((p) => p.name));
    expect(await ok('set', 'image', 'deployment/web', 'web=web:v2', '-n', NS)).toBe(
      'deployment.apps/web image updated\n',
    );
    expect(await ok('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=60s')).toMatch(
      /deployment "web" successfully rolled out\n$/,
    );
    const web = await settled('app=web', 4, 'web:v2');
    for (const p of web) expect(old.has(p.name)).toBe(false);
    // The container really runs v2: its log says so.
    const name = web[0]!.name;
    const log = await eventually(
      `logs of ${name}`,
      () => ok('logs', name, '-n', NS),
      (out) => out !== '',
      10_000,
    );
    expect(log).toMatch(/^web v2 listening on 127\.0\.0\.1:\d+\n$/);
  });

  it('rollout history shows revisions 1 and 2; rollout undo brings web:v1 back', async () => {
    const history = await ok('rollout', 'history', 'deployment/web', '-n', NS);
    expect(history).toMatch(/^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\n$/);
    expect(await ok('rollout', 'history', 'deployment/web', '-n', NS, '--revision=1')).toMatch(
      /revision #1\n[\s\S]*\n\s+Image:\s+web:v1\n/,
    );

    expect(await ok('rollout', 'undo', 'deployment/web', '-n', NS)).toBe('deployment.apps/web rolled back\n');
    expect(await ok('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=60s')).toMatch(
      /deployment "web" successfully rolled out\n$/,
    );
    expect(
      await ok(
        'get',
        'deployment',
        'web',
        '-n',
        NS,
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ),
    ).toBe('web:v1');
    await settled('app=web', 4, 'web:v1');
    // Revision 1 came back as revision 3.
    expect(await ok('rollout', 'history', 'deployment/web', '-n', NS)).toMatch(
      /\nREVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n\n$/,
    );
  });

  it('expose deployment web --port=80: the Service gets an IP, its Endpoints list the ready pods', async () => {
    expect(await ok('expose', 'deployment', 'web', '--port=80', '--target-port=8080', '-n', NS)).toBe(
      'service/web exposed\n',
    );
    expect(await ok('get', 'service', 'web', '-n', NS)).toMatch(
      /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nweb\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\n$/,
    );
    // The process runtime gives every pod the IP 127.0.0.1 (its port is mapped on the host), so each
    // address is matched to its pod through targetRef.
    const ready = (await settled('app=web', 4, 'web:v1')).map((p) => `${p.name}=${p.ip}`).sort();
    for (const entry of ready) expect(entry).toMatch(/^web-\S+=\d+\.\d+\.\d+\.\d+$/);
    const listed = await eventually(
      'endpoints web',
      async () =>
        (
          await ok(
            'get',
            'endpoints',
            'web',
            '-n',
            NS,
            '-o',
            'jsonpath={range .subsets[*].addresses[*]}{.targetRef.name}={.ip}{" "}{end}{.subsets[*].ports[*].port}',
          )
        ).trim(),
      (s) => s.split(' ').length === 5,
    );
    const parts = listed.split(' ');
    expect(parts.slice(0, 4).sort()).toEqual(ready);
    expect(parts[4]).toBe('8080');
    const ips = ready.map((entry) => entry.split('=')[1]);
    const table = await ok('get', 'endpoints', 'web', '-n', NS);
    const [, shown] = table.match(/^NAME\s+ENDPOINTS\s+AGE\nweb\s+(\S+) \+ 1 more\.\.\.\s+\d+s\n$/) ?? [];
    expect(shown, table).toBeDefined();
    const addresses = shown!.split(',');
    expect(addresses).toHaveLength(3);
    for (const address of addresses) {
      expect(address).toMatch(/:8080$/);
      expect(ips).toContain(address.replace(/:8080$/, ''));
    }
  });

  let labelled: string;

  it('label pod X tier=fe: -l tier=fe finds exactly that pod', async () => {
    labelled = (await pods('app=web'))[0]!.name;
    expect(await ok('label', 'pod', labelled, 'tier=fe', '-n', NS)).toBe(`pod/${labelled} labeled\n`);
    expect(await ok('get', 'pods', '-l', 'tier=fe', '-n', NS, '-o', 'name')).toBe(`pod/${labelled}\n`);
    const table = await ok('get', 'pods', '-l', 'tier=fe', '-n', NS, '-L', 'tier');
    expect(table).toMatch(
      new RegExp(
        `^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+TIER\\n${labelled}\\s+1/1\\s+Running\\s+0\\s+\\d+s\\s+fe\\n$`,
      ),
    );
  });

  it('logs prints what the container wrote', async () => {
    const out = await ok('logs', labelled, '-n', NS);
    expect(out).toMatch(/^web v1 listening on 127\.0\.0\.1:\d+\n$/);
  });

  it('exec <pod> -- env prints the container environment', async () => {
    const r = await kubectl('exec', labelled, '-n', NS, '--', 'env');
    expect(r.code, r.err).toBe(0);
    const vars = r.out.split('\n');
    expect(vars).toContain('VERSION=v1'); // from the image
    expect(vars).toContain(`HOSTNAME=${labelled}`);
    expect(vars.some((v) => /^PORT=\d+$/.test(v))).toBe(true);
    expect(vars).not.toContain('MODE=staging');
    // The env added by the changed `apply -f` reached the api containers.
    const api = (await pods('app=api'))[0]!.name;
    const apiEnv = await kubectl('exec', api, '-n', NS, '--', 'env');
    expect(apiEnv.code, apiEnv.err).toBe(0);
    expect(apiEnv.out.split('\n')).toEqual(expect.arrayContaining(['MODE=staging', `HOSTNAME=${api}`]));
  });

  it('delete pod X: the ReplicaSet replaces it with a pod of another name', async () => {
    const before = new Set((await pods('app=web')).map((p) => p.name));
    expect(await ok('delete', 'pod', labelled, '-n', NS)).toBe(`pod "${labelled}" deleted\n`);
    const missing = await kubectl('get', 'pod', labelled, '-n', NS);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`Error from server (NotFound): pods "${labelled}" not found`);
    await eventually(
      `${labelled} container processes`,
      async () => processesOfPod(labelled),
      (pids) => pids.length === 0,
      5_000,
    );
    const after = await settled('app=web', 4, 'web:v1');
    const fresh = after.filter((p) => !before.has(p.name));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.name).not.toBe(labelled);
    expect(after.map((p) => p.name)).not.toContain(labelled);
    expect(await ok('get', 'pods', '-l', 'tier=fe', '-n', NS, '-o', 'name')).toBe('');
  });

  it('delete deployment web: its ReplicaSets and pods go too', async () => {
    const web = (await pods('app=web')).map((p) => p.name);
    expect((await ok('get', 'rs', '-l', 'app=web', '-n', NS, '-o', 'name')).trim().split('\n')).toHaveLength(
      2,
    );
    expect(await ok('delete', 'deployment', 'web', '-n', NS)).toBe('deployment.apps "web" deleted\n');
    const gone = await eventually(
      'web ReplicaSets and pods',
      () => kubectl('get', 'rs,pods', '-l', 'app=web', '-n', NS),
      (r) => r.code === 0 && r.out === '',
    );
    expect(gone.err).toBe(`No resources found in ${NS} namespace.\n`);
    await eventually(
      'web container processes',
      async () => web.flatMap(processesOfPod),
      (pids) => pids.length === 0,
      10_000,
    );
    // Nothing else was collected: api is untouched.
    expect(await ok('get', 'deployment', 'api', '-n', NS, '--no-headers')).toMatch(/^api\s+2\/2\s+2\s+2\s/);
  });

  it('delete namespace shop: Terminating, then gone with everything in it', async () => {
    const api = (await pods('app=api')).map((p) => p.name);
    expect(api).toHaveLength(2);
    const w = watch('namespace', NS, '-w');
    await w.waitFor(/^NAME\s+STATUS\s+AGE\nshop\s+Active\s/);
    expect(await ok('delete', 'namespace', NS)).toBe(`namespace "${NS}" deleted\n`);
    await w.waitFor(/\nshop\s+Terminating\s/, 5_000);
    w.child.kill('SIGTERM');
    await w.exited;
    const missing = await kubectl('get', 'namespace', NS);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`Error from server (NotFound): namespaces "${NS}" not found`);
    for (const kind of ['pods', 'deployments', 'replicasets', 'services', 'endpoints']) {
      const r = await kubectl('get', kind, '-n', NS);
      expect(r, kind).toEqual({ code: 0, out: '', err: `No resources found in ${NS} namespace.\n` });
    }
    await eventually(
      'api container processes',
      async () => api.flatMap(processesOfPod),
      (pids) => pids.length === 0,
      10_000,
    );
  });

  it('SIGTERM stops flotilla: exit 0, port closed, kubeconfig removed, no process left', async () => {
    // Something still running when the signal comes, so that "nothing left" means something.
    expect(await ok('run', 'last', '--image=web:v1', '--port=8080')).toBe('pod/last created\n');
    expect(await ok('wait', '--for=condition=Ready', 'pod/last', '--timeout=30s')).toBe(
      'pod/last condition met\n',
    );
    const pid = flotilla.child.pid!;
    const running = descendants(pid);
    expect(running.length).toBeGreaterThan(0);
    expect(processesOfPod('last').length).toBeGreaterThan(0);

    flotilla.child.kill('SIGTERM');
    expect(await flotilla.exited).toEqual({ code: 0, signal: null });
    expect(flotilla.out()).toMatch(/\nflotilla: SIGTERM: stopping\nstopped\n$/);
    expect(flotilla.err()).toBe('');
    expect(await portIsClosed(port)).toBe(true);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(running.filter(isRunning)).toEqual([]);
    expect(processesOfPod('last')).toEqual([]);
    expect(Date.now() - began).toBeLessThan(120_000);
  });
});
