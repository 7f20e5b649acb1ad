import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { FieldErrorType } from './field-errors.js';
import {
  decodeObject,
  formatManifestProblem,
  isManifestError,
  ManifestError,
  parseManifests,
  tryParseManifests,
} from './manifests.js';

const testdata = new URL('./testdata/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, testdata), 'utf8');

/** The problems of a text, as `[document, field, type]` triples. */
function problemsOf(text: string): Array<[number, string, FieldErrorType]> {
  return tryParseManifests(text).problems.map((p) => [p.document, p.error.field, p.error.type]);
}

describe('Kubernetes documentation examples', () => {
  const files = readdirSync(testdata).filter((f) => f.endsWith('.yaml'));

  it.each([
    { file: 'nginx-deployment.yaml', want: ['Deployment/nginx-deployment'] },
    { file: 'daemonset.yaml', want: ['DaemonSet/fluentd-elasticsearch'] },
    { file: 'statefulset-web.yaml', want: ['Service/nginx', 'StatefulSet/web'] },
    { file: 'job-pi.yaml', want: ['Job/pi'] },
    { file: 'cronjob-hello.yaml', want: ['CronJob/hello'] },
    { file: 'pod-tcp-liveness-readiness.yaml', want: ['Pod/goproxy'] },
    { file: 'pod-exec-liveness.yaml', want: ['Pod/liveness-exec'] },
    { file: 'pod-http-liveness.yaml', want: ['Pod/liveness-http'] },
    { file: 'pod-startup-probe.yaml', want: ['Pod/startup-probe-demo'] },
    { file: 'service-clusterip.yaml', want: ['Service/my-service'] },
    { file: 'service-named-port.yaml', want: ['Pod/nginx', 'Service/nginx-service'] },
    { file: 'service-nodeport.yaml', want: ['Service/my-service'] },
    { file: 'service-loadbalancer.yaml', want: ['Service/my-service'] },
    { file: 'service-externalname.yaml', want: ['Service/my-service'] },
    { file: 'service-without-selector.yaml', want: ['Service/my-service', 'EndpointSlice/my-service-1'] },
    { file: 'service-external-ips.yaml', want: ['Service/my-service'] },
    { file: 'configmap-game-demo.yaml', want: ['ConfigMap/game-demo', 'Pod/configmap-demo-pod'] },
    { file: 'secret-opaque.yaml', want: ['Secret/mysecret'] },
    { file: 'secret-basic-auth.yaml', want: ['Secret/secret-basic-auth'] },
    { file: 'secret-dotfile.yaml', want: ['Secret/dotfile-secret', 'Pod/secret-dotfiles-pod'] },
  ])('$file parses to $want', ({ file, want }) => {
    const objects = parseManifests(read(file));
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(want);
  });

  it('covers every file in testdata', () => {
    expect(files.length).toBe(20);
  });

  it('examples/manifests holds the same files (the demo parses them)', () => {
    const examples = new URL('../../../examples/manifests/', import.meta.url);
    expect(readdirSync(examples).sort()).toEqual([...files].sort());
    for (const file of files) expect(readFileSync(new URL(file, examples), 'utf8'), file).toBe(read(file));
  });

  it.each(files)('%s is kept unchanged (same JSON as the YAML says)', (file) => {
    const text = read(file);
    const plain = parseAllDocuments(text, { version: '1.1' })
      .map((d) => d.toJS())
      .filter((v) => v !== null);
    const objects = parseManifests(text);
    expect(objects).toEqual(plain);
    expect(JSON.parse(JSON.stringify(objects))).toEqual(plain);
  });

  it('keeps the values as written: quantities, IntOrString, base64', () => {
    const [ds] = parseManifests(read('daemonset.yaml'));
    if (ds?.kind !== 'DaemonSet') throw new Error('expected a DaemonSet');
    expect(ds.spec?.template.spec?.containers[0]?.resources?.requests).toEqual({
      cpu: '100m',
      memory: '200Mi',
    });
    const [pod, svc] = parseManifests(read('service-named-port.yaml'));
    expect(pod?.kind).toBe('Pod');
    if (svc?.kind !== 'Service') throw new Error('expected a Service');
    expect(svc.spec?.ports?.[0]?.targetPort).toBe('http-web-svc');
    const [secret] = parseManifests(read('secret-opaque.yaml'));
    if (secret?.kind !== 'Secret') throw new Error('expected a Secret');
    expect(secret.data).toEqual({ username: 'YWRtaW4=', password: 'MWYyZDFlMmU2N2Rm' });
  });
});

const deployment = (spec: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
const template = (container: string) =>
  `selector:\n  matchLabels: {app: web}\ntemplate:\n  metadata:\n    labels: {app: web}\n  spec:\n    containers:\n    - ${container}`;

describe('problems, with Kubernetes field paths', () => {
  it.each<{ name: string; text: string; want: Array<[number, string, FieldErrorType]> }>([
    {
      name: 'unknown top-level spec field',
      text: deployment(`replica: 3\n${template('{name: web, image: nginx}')}`),
      want: [[0, 'spec.replica', 'UnknownField']],
    },
    {
      name: 'unknown field deep in the pod template',
      text: deployment(template('{name: web, image: nginx, imagePullPolicyy: Always}')),
      want: [[0, 'spec.template.spec.containers[0].imagePullPolicyy', 'UnknownField']],
    },
    {
      name: 'unknown metadata field',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  label: {a: b}\n',
      want: [[0, 'metadata.label', 'UnknownField']],
    },
    {
      name: 'unknown top-level field',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nspec: {}\n',
      want: [[0, 'spec', 'UnknownField']],
    },
    {
      name: 'missing required containers',
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {}\n',
      want: [[0, 'spec.containers', 'Required']],
    },
    {
      name: 'missing required container name',
      text: deployment(template('{image: nginx}')),
      want: [[0, 'spec.template.spec.containers[0].name', 'Required']],
    },
    {
      name: 'string where an integer belongs',
      text: deployment(`replicas: "3"\n${template('{name: web, image: nginx}')}`),
      want: [[0, 'spec.replicas', 'TypeInvalid']],
    },
    {
      name: 'fraction where an int32 belongs',
      text: deployment(`replicas: 1.5\n${template('{name: web, image: nginx}')}`),
      want: [[0, 'spec.replicas', 'TypeInvalid']],
    },
    {
      name: 'int32 overflow',
      text: deployment(`replicas: 3000000000\n${template('{name: web, image: nginx}')}`),
      want: [[0, 'spec.replicas', 'Invalid']],
    },
    {
      name: 'number where a string belongs, in a list item',
      text: deployment(template('{name: web, image: 5}')),
      want: [[0, 'spec.template.spec.containers[0].image', 'TypeInvalid']],
    },
    {
      name: 'object where a list belongs',
      text: deployment(template('{name: web, image: nginx, ports: {containerPort: 80}}')),
      want: [[0, 'spec.template.spec.containers[0].ports', 'TypeInvalid']],
    },
    {
      name: 'map values are paths with [key]',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {app: 1}\n',
      want: [[0, 'metadata.labels[app]', 'TypeInvalid']],
    },
    {
      name: 'unquoted yes is a boolean in YAML 1.1, as in Kubernetes',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {enabled: yes}\n',
      want: [[0, 'data[enabled]', 'TypeInvalid']],
    },
    {
      name: 'IntOrString rejects a boolean',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 80, targetPort: true}]\n',
      want: [[0, 'spec.ports[0].targetPort', 'TypeInvalid']],
    },
    {
      name: 'unsupported label selector operator',
      text: deployment(
        `selector:\n  matchExpressions: [{key: app, operator: Equals, values: [web]}]\ntemplate:\n  spec:\n    containers: [{name: web}]`,
      ),
      want: [[0, 'spec.selector.matchExpressions[0].operator', 'NotSupported']],
    },
    {
      name: 'bad quantity',
      text: deployment(template('{name: web, image: nginx, resources: {limits: {cpu: 1x}}}')),
      want: [[0, 'spec.template.spec.containers[0].resources.limits[cpu]', 'Invalid']],
    },
    {
      name: 'bad time',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, creationTimestamp: yesterday}\n',
      want: [[0, 'metadata.creationTimestamp', 'Invalid']],
    },
    {
      name: 'bad base64 in Secret data',
      text: 'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {password: "not base64!"}\n',
      want: [[0, 'data[password]', 'Invalid']],
    },
    {
      name: 'every problem of every document',
      text: `${deployment(`replica: 3\n${template('{image: nginx}')}`)}---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {}\n`,
      want: [
        [0, 'spec.template.spec.containers[0].name', 'Required'],
        [0, 'spec.replica', 'UnknownField'],
        [1, 'spec.containers', 'Required'],
      ],
    },
    {
      name: 'missing apiVersion and kind',
      text: 'metadata: {name: x}\n',
      want: [
        [0, 'apiVersion', 'Required'],
        [0, 'kind', 'Required'],
      ],
    },
    {
      name: 'unknown kind',
      text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n',
      want: [[0, 'kind', 'NotSupported']],
    },
    {
      name: 'known kind in an unserved version',
      text: 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: x}\n',
      want: [[0, 'kind', 'NotSupported']],
    },
    {
      name: 'a document that is not an object',
      text: '- a\n- b\n',
      want: [[0, '', 'TypeInvalid']],
    },
    {
      name: 'YAML syntax error',
      text: 'apiVersion: v1\nkind: [\n',
      want: [[0, '', 'Invalid']],
    },
    {
      name: 'duplicate keys',
      text: 'apiVersion: v1\nkind: ConfigMap\nkind: ConfigMap\n',
      want: [[0, '', 'Invalid']],
    },
    {
      name: 'document indexes count empty documents',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# nothing here\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {}\n',
      want: [[2, 'spec.containers', 'Required']],
    },
    {
      name: 'List items are checked with their index in the path',
      text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec: {}\n',
      want: [[0, 'items[1].spec.containers', 'Required']],
    },
    {
      name: 'unknown fields of a List',
      text: 'apiVersion: v1\nkind: List\nitems: []\nextra: 1\n',
      want: [[0, 'extra', 'UnknownField']],
    },
  ])('$name', ({ text, want }) => {
    expect(problemsOf(text)).toEqual(want);
  });

  it('reads like kubectl strict validation', () => {
    const text = deployment(`replica: 3\n${template('{name: web, image: nginx}')}`);
    expect(() => parseManifests(text)).toThrow(
      'document 0 (line 1, apps/v1 Deployment "web"): unknown field "spec.replica"',
    );
    const required =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{image: nginx}]\n';
    expect(() => parseManifests(required)).toThrow('spec.containers[0].name: Required value');
    const unknown = 'apiVersion: example.com/v1\nkind: Widget\n';
    expect(() => parseManifests(unknown)).toThrow('no matches for kind "Widget" in version "example.com/v1"');
    const operator = deployment(
      'selector: {matchExpressions: [{key: a, operator: Equals}]}\ntemplate: {spec: {containers: [{name: c}]}}',
    );
    expect(() => parseManifests(operator)).toThrow(
      'spec.selector.matchExpressions[0].operator: Unsupported value: "Equals": supported values: "DoesNotExist", "Exists", "In", "NotIn"',
    );
    const version = 'apiVersion: apps/v1beta1\nkind: Deployment\n';
    expect(() => parseManifests(version)).toThrow('known versions: "apps/v1"');
  });

  it('throws a ManifestError carrying every problem with its document, kind and name', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n${deployment('replica: 3')}`;
    let caught: unknown;
    try {
      parseManifests(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    expect(isManifestError(caught)).toBe(true);
    if (!isManifestError(caught)) return;
    expect(caught.problems[0]).toMatchObject({
      document: 1,
      line: 5,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
    });
    expect(caught.problems.map((p) => p.error.field)).toEqual([
      'spec.selector',
      'spec.template',
      'spec.replica',
    ]);
    expect(caught.message.split('\n')).toEqual(caught.problems.map(formatManifestProblem));
  });

  it('isManifestError recognizes the error by name and rejects others', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'ManifestError', problems: [] });
    expect(isManifestError(lookalike)).toBe(true);
    expect(isManifestError(new Error('x'))).toBe(false);
    expect(isManifestError('ManifestError')).toBe(false);
  });

  it('tryParseManifests returns the valid objects next to the problems', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n${deployment('replica: 3')}`;
    const { objects, problems } = tryParseManifests(text);
    expect(objects.map((o) => o.metadata?.name)).toEqual(['ok']);
    expect(problems.length).toBe(3);
  });
});

describe('reading YAML and JSON as Kubernetes does', () => {
  it('skips empty documents', () => {
    expect(parseManifests('')).toEqual([]);
    expect(parseManifests('---\n# only a comment\n---\n')).toEqual([]);
  });

  it('accepts JSON text', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    expect(parseManifests(json)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
    ]);
  });

  it('reads YAML 1.1 scalars (octal modes) and keeps timestamps as strings', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: x, creationTimestamp: 2024-05-01T10:00:00Z}',
      'spec:',
      '  containers: [{name: c, image: busybox}]',
      '  volumes: [{name: s, secret: {secretName: s, defaultMode: 0400}}]',
    ].join('\n');
    const [pod] = parseManifests(text);
    if (pod?.kind !== 'Pod') throw new Error('expected a Pod');
    expect(pod.spec?.volumes?.[0]?.secret?.defaultMode).toBe(0o400);
    expect(pod.metadata?.creationTimestamp).toBe('2024-05-01T10:00:00Z');
  });

  it('treats null fields as absent (kubectl create --dry-run -o yaml output)', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  creationTimestamp: null',
      '  labels: {app: web}',
      '  name: web',
      'spec:',
      '  replicas: 1',
      '  selector: {matchLabels: {app: web}}',
      '  strategy: {}',
      '  template:',
      '    metadata:',
      '      creationTimestamp: null',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '      - image: nginx',
      '        name: nginx',
      '        resources: {}',
      'status: {}',
    ].join('\n');
    const [d] = parseManifests(text);
    expect(d?.metadata).toEqual({ labels: { app: 'web' }, name: 'web' });
  });

  it('keeps nulls inside raw JSON (ControllerRevision data)', () => {
    const text =
      'apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: r}\nrevision: 1\ndata: {spec: {template: {metadata: {creationTimestamp: null}}}}\n';
    const [rev] = parseManifests(text);
    if (rev?.kind !== 'ControllerRevision') throw new Error('expected a ControllerRevision');
    expect(rev.data).toEqual({ spec: { template: { metadata: { creationTimestamp: null } } } });
  });

  it('flattens kind: List and typed lists whose items omit apiVersion/kind', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: apps/v1, kind: ControllerRevision, metadata: {name: b}, revision: 2}\n';
    expect(parseManifests(list).map((o) => `${o.apiVersion}/${o.kind}/${o.metadata?.name}`)).toEqual([
      'v1/ConfigMap/a',
      'apps/v1/ControllerRevision/b',
    ]);
    const typed =
      'apiVersion: v1\nkind: PodList\nmetadata: {resourceVersion: "7"}\nitems:\n- metadata: {name: p}\n  spec: {containers: [{name: c}]}\n';
    expect(parseManifests(typed)).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } },
    ]);
  });

  it('round-trips generated objects through YAML and JSON (property)', () => {
    const labelKey = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const labelValue = fc.stringMatching(/^[a-zA-Z0-9]{0,8}$/);
    const object = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      labels: fc.dictionary(labelKey, labelValue, { maxKeys: 4 }),
      replicas: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      image: fc.stringMatching(/^[a-z][a-z0-9./:-]{0,15}$/),
      cpu: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom('100m', '1', '0.5', '2k')),
      port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('http', 'metrics')),
    });
    fc.assert(
      fc.property(object, ({ name, labels, replicas, image, cpu, port }) => {
        const value = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, labels },
          spec: {
            replicas,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  {
                    name,
                    image,
                    resources: { requests: { cpu } },
                    readinessProbe: { httpGet: { path: '/', port } },
                  },
                ],
              },
            },
          },
        };
        expect(parseManifests(JSON.stringify(value))).toEqual([value]);
        // YAML 1.1 as Kubernetes reads it: `n`, `yes`, `on` must be quoted to stay strings.
        expect(parseManifests(stringify(value, { version: '1.1' }))).toEqual([value]);
        expect(decodeObject(value)).toEqual(value);
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe('decodeObject', () => {
  it('returns a typed object', () => {
    const ns = decodeObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    expect(ns.kind).toBe('Namespace');
  });

  it.each([
    { name: 'not an object', value: 'pod', field: '', type: 'TypeInvalid' },
    {
      name: 'unknown field',
      value: { apiVersion: 'v1', kind: 'Namespace', spec: { x: 1 } },
      field: 'spec.x',
      type: 'UnknownField',
    },
    { name: 'no kind', value: { apiVersion: 'v1' }, field: 'kind', type: 'Required' },
    {
      name: 'a List',
      value: { apiVersion: 'v1', kind: 'List', items: [] },
      field: 'kind',
      type: 'NotSupported',
    },
  ])('rejects $name', ({ value, field, type }) => {
    try {
      decodeObject(value);
      expect.unreachable();
    } catch (e) {
      if (!isManifestError(e)) throw e;
      expect(e.problems.map((p) => [p.document, p.error.field, p.error.type])).toEqual([[0, field, type]]);
    }
  });
});
