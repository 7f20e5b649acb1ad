/**
 * Invalid variants of the valid manifests: each case names the field and the error type Kubernetes
 * reports for it (the tests pin field + type, not wording).
 */
import type { FieldErrorType } from '../field-errors.js';
import * as m from './manifests.js';

// biome-ignore lint/suspicious/noExplicitAny: mutations poke at plain JSON.
type J = any;

export interface InvalidCase {
  readonly name: string;
  readonly object: unknown;
  readonly field: string;
  readonly type: FieldErrorType;
}

const make = (
  name: string,
  base: () => object,
  mutate: (o: J) => void,
  field: string,
  type: FieldErrorType,
): InvalidCase => {
  const object = base();
  mutate(object);
  return { name, object, field, type };
};

const ctr = 'spec.template.spec.containers[0]';

export const invalidCases: readonly InvalidCase[] = [
  // metadata
  make(
    'deployment name with capitals',
    m.nginxDeployment,
    (o) => {
      o.metadata.name = 'Nginx';
    },
    'metadata.name',
    'Invalid',
  ),
  make(
    'no name nor generateName',
    m.nginxDeployment,
    (o) => {
      delete o.metadata.name;
    },
    'metadata.name',
    'Required',
  ),
  make(
    'namespaced kind without namespace',
    m.nginxDeployment,
    (o) => {
      delete o.metadata.namespace;
    },
    'metadata.namespace',
    'Required',
  ),
  make(
    'cluster-scoped kind with namespace',
    m.namespace,
    (o) => {
      o.metadata.namespace = 'default';
    },
    'metadata.namespace',
    'Forbidden',
  ),
  make(
    'namespace name with dots',
    m.namespace,
    (o) => {
      o.metadata.name = 'team.a';
    },
    'metadata.name',
    'Invalid',
  ),
  make(
    'service name starting with a digit',
    m.clusterIPService,
    (o) => {
      o.metadata.name = '1svc';
    },
    'metadata.name',
    'Invalid',
  ),
  make(
    'statefulset name with dots',
    m.statefulSet,
    (o) => {
      o.metadata.name = 'web.v1';
    },
    'metadata.name',
    'Invalid',
  ),
  make(
    'bad label key',
    m.nginxDeployment,
    (o) => {
      o.metadata.labels['-bad'] = 'x';
    },
    'metadata.labels',
    'Invalid',
  ),
  make(
    'bad label value',
    m.nginxDeployment,
    (o) => {
      o.metadata.labels.app = 'a b';
    },
    'metadata.labels',
    'Invalid',
  ),
  make(
    'annotations over 256 KiB',
    m.configMap,
    (o) => {
      o.metadata.annotations = { big: 'x'.repeat(262144) };
    },
    'metadata.annotations',
    'TooLong',
  ),
  make(
    'bad annotation key',
    m.configMap,
    (o) => {
      o.metadata.annotations = { 'a/b/c': 'x' };
    },
    'metadata.annotations',
    'Invalid',
  ),
  make(
    'bad generateName',
    m.podWithProbes,
    (o) => {
      delete o.metadata.name;
      o.metadata.generateName = 'Web-';
    },
    'metadata.generateName',
    'Invalid',
  ),
  // Deployment
  make(
    'negative replicas',
    m.nginxDeployment,
    (o) => {
      o.spec.replicas = -1;
    },
    'spec.replicas',
    'Invalid',
  ),
  make(
    'selector missing',
    m.nginxDeployment,
    (o) => {
      delete o.spec.selector;
    },
    'spec.selector',
    'Required',
  ),
  make(
    'empty selector',
    m.nginxDeployment,
    (o) => {
      o.spec.selector = {};
    },
    'spec.selector',
    'Invalid',
  ),
  make(
    'selector does not match template',
    m.nginxDeployment,
    (o) => {
      o.spec.template.metadata.labels.app = 'web';
    },
    'spec.template.metadata.labels',
    'Invalid',
  ),
  make(
    'no containers',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers = [];
    },
    'spec.template.spec.containers',
    'Required',
  ),
  make(
    'container without image',
    m.nginxDeployment,
    (o) => {
      delete o.spec.template.spec.containers[0].image;
    },
    `${ctr}.image`,
    'Required',
  ),
  make(
    'container name not a DNS label',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].name = 'Nginx_1';
    },
    `${ctr}.name`,
    'Invalid',
  ),
  make(
    'duplicate container name',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers.push({ name: 'nginx', image: 'busybox' });
    },
    'spec.template.spec.containers[1].name',
    'Duplicate',
  ),
  make(
    'container port 0',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].ports[0].containerPort = 0;
    },
    `${ctr}.ports[0].containerPort`,
    'Required',
  ),
  make(
    'container port 70000',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].ports[0].containerPort = 70000;
    },
    `${ctr}.ports[0].containerPort`,
    'Invalid',
  ),
  make(
    'duplicate port name',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].ports.push({ containerPort: 81, name: 'http' });
    },
    `${ctr}.ports[1].name`,
    'Duplicate',
  ),
  make(
    'port name too long',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].ports[0].name = 'a-very-long-port-name';
    },
    `${ctr}.ports[0].name`,
    'Invalid',
  ),
  make(
    'bad protocol',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].ports[0].protocol = 'HTTP';
    },
    `${ctr}.ports[0].protocol`,
    'NotSupported',
  ),
  make(
    'bad imagePullPolicy',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    },
    `${ctr}.imagePullPolicy`,
    'NotSupported',
  ),
  make(
    'deployment template restartPolicy Never',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.restartPolicy = 'Never';
    },
    'spec.template.spec.restartPolicy',
    'NotSupported',
  ),
  make(
    'unknown restartPolicy',
    m.podWithProbes,
    (o) => {
      o.spec.restartPolicy = 'Sometimes';
    },
    'spec.restartPolicy',
    'NotSupported',
  ),
  make(
    'bad dnsPolicy',
    m.podWithProbes,
    (o) => {
      o.spec.dnsPolicy = 'Google';
    },
    'spec.dnsPolicy',
    'NotSupported',
  ),
  make(
    'requests above limits',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].resources.requests.cpu = '1';
    },
    `${ctr}.resources.requests[cpu]`,
    'Invalid',
  ),
  make(
    'quantity not a quantity',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].resources.limits.memory = '128MB';
    },
    `${ctr}.resources.limits[memory]`,
    'Invalid',
  ),
  make(
    'unknown unqualified resource',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.containers[0].resources.limits.gpu = '1';
    },
    `${ctr}.resources.limits[gpu]`,
    'Invalid',
  ),
  make(
    'both maxSurge and maxUnavailable 0',
    m.nginxDeployment,
    (o) => {
      o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } };
    },
    'spec.strategy.rollingUpdate.maxUnavailable',
    'Invalid',
  ),
  make(
    'maxUnavailable over 100%',
    m.nginxDeployment,
    (o) => {
      o.spec.strategy = { rollingUpdate: { maxUnavailable: '120%' } };
    },
    'spec.strategy.rollingUpdate.maxUnavailable',
    'Invalid',
  ),
  make(
    'maxSurge not a percent',
    m.nginxDeployment,
    (o) => {
      o.spec.strategy = { rollingUpdate: { maxSurge: 'lots' } };
    },
    'spec.strategy.rollingUpdate.maxSurge',
    'Invalid',
  ),
  make(
    'rollingUpdate with Recreate',
    m.nginxDeployment,
    (o) => {
      o.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } };
    },
    'spec.strategy.rollingUpdate',
    'Forbidden',
  ),
  make(
    'unknown strategy type',
    m.nginxDeployment,
    (o) => {
      o.spec.strategy = { type: 'BlueGreen' };
    },
    'spec.strategy.type',
    'NotSupported',
  ),
  make(
    'progressDeadlineSeconds not above minReadySeconds',
    m.nginxDeployment,
    (o) => {
      o.spec.minReadySeconds = 30;
      o.spec.progressDeadlineSeconds = 30;
    },
    'spec.progressDeadlineSeconds',
    'Invalid',
  ),
  make(
    'negative revisionHistoryLimit',
    m.nginxDeployment,
    (o) => {
      o.spec.revisionHistoryLimit = -2;
    },
    'spec.revisionHistoryLimit',
    'Invalid',
  ),
  make(
    'template activeDeadlineSeconds',
    m.nginxDeployment,
    (o) => {
      o.spec.template.spec.activeDeadlineSeconds = 10;
    },
    'spec.template.spec.activeDeadlineSeconds',
    'Forbidden',
  ),
  // Pod
  make(
    'init container duplicates a container name',
    m.podWithProbes,
    (o) => {
      o.spec.initContainers[0].name = 'goproxy';
    },
    'spec.initContainers[0].name',
    'Duplicate',
  ),
  make(
    'probe with two handlers',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].readinessProbe.exec = { command: ['true'] };
    },
    'spec.containers[0].readinessProbe.tcpSocket',
    'Forbidden',
  ),
  make(
    'probe without handler',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].readinessProbe = { periodSeconds: 5 };
    },
    'spec.containers[0].readinessProbe',
    'Required',
  ),
  make(
    'negative probe period',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].livenessProbe.periodSeconds = -5;
    },
    'spec.containers[0].livenessProbe.periodSeconds',
    'Invalid',
  ),
  make(
    'liveness successThreshold 2',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].livenessProbe.successThreshold = 2;
    },
    'spec.containers[0].livenessProbe.successThreshold',
    'Invalid',
  ),
  make(
    'httpGet bad scheme',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].livenessProbe.httpGet.scheme = 'FTP';
    },
    'spec.containers[0].livenessProbe.httpGet.scheme',
    'NotSupported',
  ),
  make(
    'httpGet port 0',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].livenessProbe.httpGet.port = 0;
    },
    'spec.containers[0].livenessProbe.httpGet.port',
    'Invalid',
  ),
  make(
    'tcpSocket bad port name',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].readinessProbe.tcpSocket.port = 'HTTP';
    },
    'spec.containers[0].readinessProbe.tcpSocket.port',
    'Invalid',
  ),
  make(
    'bad env var name',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].env[0].name = '1POD';
    },
    'spec.containers[0].env[0].name',
    'Invalid',
  ),
  make(
    'volume mount of unknown volume',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].volumeMounts[0].name = 'data';
    },
    'spec.containers[0].volumeMounts[0].name',
    'NotFound',
  ),
  make(
    'duplicate volume name',
    m.podWithProbes,
    (o) => {
      o.spec.volumes.push({ name: 'cache', emptyDir: {} });
    },
    'spec.volumes[1].name',
    'Duplicate',
  ),
  make(
    'volume with two sources',
    m.podWithProbes,
    (o) => {
      o.spec.volumes[0].hostPath = { path: '/tmp' };
    },
    'spec.volumes[0].hostPath',
    'Forbidden',
  ),
  make(
    'toleration bad operator',
    m.podWithProbes,
    (o) => {
      o.spec.tolerations[0].operator = 'Matches';
    },
    'spec.tolerations[0].operator',
    'NotSupported',
  ),
  make(
    'toleration bad effect',
    m.podWithProbes,
    (o) => {
      o.spec.tolerations[0].effect = 'Evict';
    },
    'spec.tolerations[0].effect',
    'NotSupported',
  ),
  make(
    'toleration seconds without NoExecute',
    m.podWithProbes,
    (o) => {
      o.spec.tolerations[0].effect = 'NoSchedule';
    },
    'spec.tolerations[0].effect',
    'Invalid',
  ),
  make(
    'nodeSelector bad value',
    m.podWithProbes,
    (o) => {
      o.spec.nodeSelector['kubernetes.io/os'] = 'linux!';
    },
    'spec.nodeSelector',
    'Invalid',
  ),
  make(
    'node affinity In without values',
    m.podWithProbes,
    (o) => {
      o.spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }],
          },
        },
      };
    },
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values',
    'Required',
  ),
  make(
    'pod anti-affinity without topologyKey',
    m.podWithProbes,
    (o) => {
      o.spec.affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: '' },
          ],
        },
      };
    },
    'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
    'Required',
  ),
  make(
    'topology spread maxSkew 0',
    m.podWithProbes,
    (o) => {
      o.spec.topologySpreadConstraints = [
        { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      ];
    },
    'spec.topologySpreadConstraints[0].maxSkew',
    'Invalid',
  ),
  make(
    'topology spread bad whenUnsatisfiable',
    m.podWithProbes,
    (o) => {
      o.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }];
    },
    'spec.topologySpreadConstraints[0].whenUnsatisfiable',
    'NotSupported',
  ),
  make(
    'negative runAsUser',
    m.podWithProbes,
    (o) => {
      o.spec.securityContext = { runAsUser: -1 };
    },
    'spec.securityContext.runAsUser',
    'Invalid',
  ),
  make(
    'activeDeadlineSeconds 0',
    m.podWithProbes,
    (o) => {
      o.spec.activeDeadlineSeconds = 0;
    },
    'spec.activeDeadlineSeconds',
    'Invalid',
  ),
  make(
    'image with trailing space',
    m.podWithProbes,
    (o) => {
      o.spec.containers[0].image = 'nginx ';
    },
    'spec.containers[0].image',
    'Invalid',
  ),
  // Services
  make(
    'service without ports',
    m.clusterIPService,
    (o) => {
      o.spec.ports = [];
    },
    'spec.ports',
    'Required',
  ),
  make(
    'service port 0',
    m.clusterIPService,
    (o) => {
      o.spec.ports[0].port = 0;
    },
    'spec.ports[0].port',
    'Invalid',
  ),
  make(
    'service targetPort 70000',
    m.clusterIPService,
    (o) => {
      o.spec.ports[0].targetPort = 70000;
    },
    'spec.ports[0].targetPort',
    'Invalid',
  ),
  make(
    'nodePort on ClusterIP',
    m.clusterIPService,
    (o) => {
      o.spec.ports[0].nodePort = 30080;
    },
    'spec.ports[0].nodePort',
    'Forbidden',
  ),
  make(
    'nodePort out of range',
    m.nodePortService,
    (o) => {
      o.spec.ports[0].nodePort = 80;
    },
    'spec.ports[0].nodePort',
    'Invalid',
  ),
  make(
    'multi-port service without names',
    m.nodePortService,
    (o) => {
      delete o.spec.ports[1].name;
    },
    'spec.ports[1].name',
    'Required',
  ),
  make(
    'duplicate service port names',
    m.nodePortService,
    (o) => {
      o.spec.ports[1].name = 'http';
    },
    'spec.ports[1].name',
    'Duplicate',
  ),
  make(
    'bad service type',
    m.clusterIPService,
    (o) => {
      o.spec.type = 'Internal';
    },
    'spec.type',
    'NotSupported',
  ),
  make(
    'bad sessionAffinity',
    m.clusterIPService,
    (o) => {
      o.spec.sessionAffinity = 'Cookie';
    },
    'spec.sessionAffinity',
    'NotSupported',
  ),
  make(
    'externalName missing',
    m.externalNameService,
    (o) => {
      delete o.spec.externalName;
    },
    'spec.externalName',
    'Required',
  ),
  make(
    'externalName not a DNS name',
    m.externalNameService,
    (o) => {
      o.spec.externalName = 'my_db';
    },
    'spec.externalName',
    'Invalid',
  ),
  make(
    'headless NodePort',
    m.nodePortService,
    (o) => {
      o.spec.clusterIP = 'None';
    },
    'spec.clusterIPs[0]',
    'Invalid',
  ),
  make(
    'externalTrafficPolicy on ClusterIP',
    m.clusterIPService,
    (o) => {
      o.spec.externalTrafficPolicy = 'Local';
    },
    'spec.externalTrafficPolicy',
    'Invalid',
  ),
  make(
    'bad clusterIP',
    m.clusterIPService,
    (o) => {
      o.spec.clusterIP = '10.0.0.300';
    },
    'spec.clusterIP',
    'Invalid',
  ),
  // DaemonSet
  make(
    'daemonset selector mismatch',
    m.daemonSet,
    (o) => {
      o.spec.selector.matchLabels.name = 'other';
    },
    'spec.template.metadata.labels',
    'Invalid',
  ),
  make(
    'daemonset bad update strategy',
    m.daemonSet,
    (o) => {
      o.spec.updateStrategy = { type: 'Replace' };
    },
    'spec.updateStrategy.type',
    'NotSupported',
  ),
  make(
    'daemonset maxUnavailable 0 and maxSurge 0',
    m.daemonSet,
    (o) => {
      o.spec.updateStrategy.rollingUpdate = { maxUnavailable: 0, maxSurge: 0 };
    },
    'spec.updateStrategy.rollingUpdate.maxUnavailable',
    'Required',
  ),
  make(
    'daemonset both surge and unavailable',
    m.daemonSet,
    (o) => {
      o.spec.updateStrategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 1 };
    },
    'spec.updateStrategy.rollingUpdate.maxSurge',
    'Invalid',
  ),
  make(
    'daemonset restartPolicy OnFailure',
    m.daemonSet,
    (o) => {
      o.spec.template.spec.restartPolicy = 'OnFailure';
    },
    'spec.template.spec.restartPolicy',
    'NotSupported',
  ),
  // StatefulSet
  make(
    'statefulset bad podManagementPolicy',
    m.statefulSet,
    (o) => {
      o.spec.podManagementPolicy = 'Random';
    },
    'spec.podManagementPolicy',
    'Invalid',
  ),
  make(
    'statefulset negative partition',
    m.statefulSet,
    (o) => {
      o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } };
    },
    'spec.updateStrategy.rollingUpdate.partition',
    'Invalid',
  ),
  make(
    'statefulset rollingUpdate with OnDelete',
    m.statefulSet,
    (o) => {
      o.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } };
    },
    'spec.updateStrategy.rollingUpdate',
    'Invalid',
  ),
  make(
    'statefulset bad serviceName',
    m.statefulSet,
    (o) => {
      o.spec.serviceName = 'Nginx';
    },
    'spec.serviceName',
    'Invalid',
  ),
  make(
    'statefulset claim template without storage',
    m.statefulSet,
    (o) => {
      o.spec.volumeClaimTemplates[0].spec.resources = {};
    },
    'spec.volumeClaimTemplates[0].spec.resources[storage]',
    'Required',
  ),
  make(
    'statefulset empty selector',
    m.statefulSet,
    (o) => {
      o.spec.selector = { matchLabels: {} };
    },
    'spec.selector',
    'Invalid',
  ),
  // ReplicaSet
  make(
    'replicaset expression mismatch',
    m.replicaSet,
    (o) => {
      o.spec.template.metadata.labels.tier = 'backend';
    },
    'spec.template.metadata.labels',
    'Invalid',
  ),
  make(
    'replicaset In without values',
    m.replicaSet,
    (o) => {
      o.spec.selector.matchExpressions[0].values = [];
    },
    'spec.selector.matchExpressions[0].values',
    'Required',
  ),
  // Job / CronJob
  make(
    'job restartPolicy Always',
    m.job,
    (o) => {
      o.spec.template.spec.restartPolicy = 'Always';
    },
    'spec.template.spec.restartPolicy',
    'NotSupported',
  ),
  make(
    'job without restartPolicy',
    m.job,
    (o) => {
      delete o.spec.template.spec.restartPolicy;
    },
    'spec.template.spec.restartPolicy',
    'NotSupported',
  ),
  make(
    'job negative backoffLimit',
    m.job,
    (o) => {
      o.spec.backoffLimit = -1;
    },
    'spec.backoffLimit',
    'Invalid',
  ),
  make(
    'job bad completionMode',
    m.job,
    (o) => {
      o.spec.completionMode = 'Sometimes';
    },
    'spec.completionMode',
    'NotSupported',
  ),
  make(
    'indexed job without completions',
    m.job,
    (o) => {
      o.spec.completionMode = 'Indexed';
      o.spec.parallelism = 2;
    },
    'spec.completions',
    'Required',
  ),
  make(
    'cronjob without schedule',
    m.cronJob,
    (o) => {
      o.spec.schedule = '';
    },
    'spec.schedule',
    'Required',
  ),
  make(
    'cronjob bad schedule',
    m.cronJob,
    (o) => {
      o.spec.schedule = '61 * * * *';
    },
    'spec.schedule',
    'Invalid',
  ),
  make(
    'cronjob four fields',
    m.cronJob,
    (o) => {
      o.spec.schedule = '* * * *';
    },
    'spec.schedule',
    'Invalid',
  ),
  make(
    'cronjob bad concurrencyPolicy',
    m.cronJob,
    (o) => {
      o.spec.concurrencyPolicy = 'Sometimes';
    },
    'spec.concurrencyPolicy',
    'NotSupported',
  ),
  make(
    'cronjob name over 52 characters',
    m.cronJob,
    (o) => {
      o.metadata.name = 'a'.repeat(53);
    },
    'metadata.name',
    'Invalid',
  ),
  make(
    'cronjob job template restartPolicy Always',
    m.cronJob,
    (o) => {
      o.spec.jobTemplate.spec.template.spec.restartPolicy = 'Always';
    },
    'spec.jobTemplate.spec.template.spec.restartPolicy',
    'NotSupported',
  ),
  // other kinds
  make(
    'configmap bad key',
    m.configMap,
    (o) => {
      o.data['bad key'] = 'x';
    },
    'data[bad key]',
    'Invalid',
  ),
  make(
    'tls secret without key',
    m.secret,
    (o) => {
      delete o.data['tls.key'];
    },
    'data[tls.key]',
    'Required',
  ),
  make(
    'pvc without access modes',
    m.pvc,
    (o) => {
      o.spec.accessModes = [];
    },
    'spec.accessModes',
    'Required',
  ),
  make(
    'pvc bad volumeMode',
    m.pvc,
    (o) => {
      o.spec.volumeMode = 'Raw';
    },
    'spec.volumeMode',
    'NotSupported',
  ),
  // structure (from the schemas)
  make(
    'unknown field',
    m.nginxDeployment,
    (o) => {
      o.spec.replica = 3;
    },
    'spec.replica',
    'UnknownField',
  ),
  make(
    'replicas as a string',
    m.nginxDeployment,
    (o) => {
      o.spec.replicas = 'three';
    },
    'spec.replicas',
    'TypeInvalid',
  ),
];
