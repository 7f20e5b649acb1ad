/**
 * Valid manifests, written as in Kubernetes' documentation (before defaulting), that the tests
 * mutate into invalid variants. Each function returns a fresh object.
 */

export const nginxDeployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx-deployment', namespace: 'default', labels: { app: 'nginx' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.14.2',
            ports: [{ containerPort: 80, name: 'http' }],
            resources: {
              requests: { cpu: '100m', memory: '64Mi' },
              limits: { cpu: '500m', memory: '128Mi' },
            },
          },
        ],
      },
    },
  },
});

export const podWithProbes = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'goproxy', namespace: 'default', labels: { app: 'goproxy' } },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
    containers: [
      {
        name: 'goproxy',
        image: 'registry.k8s.io/goproxy:0.1',
        ports: [{ containerPort: 8080, name: 'proxy' }],
        env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 15, periodSeconds: 10 },
        livenessProbe: {
          httpGet: { path: '/healthz', port: 'proxy' },
          initialDelaySeconds: 15,
          periodSeconds: 20,
        },
        volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
      },
    ],
    volumes: [{ name: 'cache', emptyDir: {} }],
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'goproxy' } },
      },
    ],
    securityContext: { runAsUser: 1000, fsGroup: 2000 },
  },
});

export const clusterIPService = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'my-service', namespace: 'default' },
  spec: { selector: { app: 'nginx' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] },
});

export const nodePortService = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'my-nodeport', namespace: 'default' },
  spec: {
    type: 'NodePort',
    selector: { app: 'nginx' },
    ports: [
      { name: 'http', port: 80, targetPort: 80, nodePort: 30007 },
      { name: 'https', port: 443, targetPort: 'https' },
    ],
  },
});

export const loadBalancerService = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'my-lb', namespace: 'default' },
  spec: {
    type: 'LoadBalancer',
    selector: { app: 'nginx' },
    ports: [{ port: 80, targetPort: 9376 }],
    externalTrafficPolicy: 'Local',
  },
});

export const externalNameService = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'my-database', namespace: 'prod' },
  spec: { type: 'ExternalName', externalName: 'my.database.example.com' },
});

export const headlessService = () => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web-headless', namespace: 'default' },
  spec: { clusterIP: 'None', selector: { app: 'web' } },
});

export const daemonSet = () => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'fluentd-elasticsearch', namespace: 'kube-system' },
  spec: {
    selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: {
      metadata: { labels: { name: 'fluentd-elasticsearch' } },
      spec: {
        tolerations: [
          { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
        ],
        containers: [
          {
            name: 'fluentd-elasticsearch',
            image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
            resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
            volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
          },
        ],
        terminationGracePeriodSeconds: 30,
        volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
      },
    },
  },
});

export const statefulSet = () => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'nginx' } },
    serviceName: 'nginx',
    replicas: 3,
    minReadySeconds: 10,
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        terminationGracePeriodSeconds: 10,
        containers: [
          {
            name: 'nginx',
            image: 'registry.k8s.io/nginx-slim:0.24',
            ports: [{ containerPort: 80, name: 'web' }],
            volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
          },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'www' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'my-storage-class',
          resources: { requests: { storage: '1Gi' } },
        },
      },
    ],
  },
});

export const job = () => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default' },
  spec: {
    backoffLimit: 4,
    template: {
      spec: {
        containers: [
          { name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] },
        ],
        restartPolicy: 'Never',
      },
    },
  },
});

export const cronJob = () => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'hello', image: 'busybox:1.28', imagePullPolicy: 'IfNotPresent', command: ['date'] },
            ],
            restartPolicy: 'OnFailure',
          },
        },
      },
    },
  },
});

export const namespace = () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });

export const configMap = () => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'game-demo', namespace: 'default' },
  data: { player_initial_lives: '3', 'game.properties': 'enemy.types=aliens,monsters\n' },
});

export const secret = () => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'secret-tls', namespace: 'default' },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
});

export const pvc = () => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'myclaim', namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Gi' } } },
});

export const replicaSet = () => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'frontend', namespace: 'default', labels: { app: 'guestbook', tier: 'frontend' } },
  spec: {
    replicas: 3,
    selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
    template: {
      metadata: { labels: { tier: 'frontend' } },
      spec: {
        containers: [
          { name: 'php-redis', image: 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5' },
        ],
      },
    },
  },
});

/** Every valid manifest, by name. */
export const validManifests = {
  nginxDeployment,
  podWithProbes,
  clusterIPService,
  nodePortService,
  loadBalancerService,
  externalNameService,
  headlessService,
  daemonSet,
  statefulSet,
  job,
  cronJob,
  namespace,
  configMap,
  secret,
  pvc,
  replicaSet,
} as const;
