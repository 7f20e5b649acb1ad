import { type Agent, type AgentLogOptions, createAgent } from '@flotilla/agent';
import {
  ApiError,
  BOOTSTRAP_NAMESPACES,
  isNotFound,
  type KubeObject,
  lookupKind,
  parseManifests,
} from '@flotilla/api';
import {
  type Client,
  createInProcessClient,
  ensureNamespaces,
  SharedInformerFactory,
} from '@flotilla/client';
import { type Clock, createRandom, SystemClock } from '@flotilla/clock';
import {
  ControllerManager,
  createDeploymentController,
  createEndpointsController,
  createGarbageCollector,
  createNamespaceController,
  createReplicaSetController,
  createServiceAllocator,
  createServiceIPRepairController,
} from '@flotilla/controllers';
import {
  type ContainerRuntime,
  type ExecOptions,
  type ExecResult,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  ProcessRuntime,
  SimulatedRuntime,
} from '@flotilla/runtime';
import { type BuiltinProfileName, type Profile, Scheduler } from '@flotilla/scheduler';
import { type Backend, MemoryBackend, ObjectStore } from '@flotilla/store';

/** The built-in controllers a cluster can run. */
export type BuiltinController = 'deployment' | 'replicaset' | 'garbagecollector' | 'namespace' | 'endpoints';
export const BUILTIN_CONTROLLERS: readonly BuiltinController[] = [
  'deployment',
  'replicaset',
  'garbagecollector',
  'namespace',
  'endpoints',
];

/** Namespaces every cluster starts with, as Kubernetes' API server creates them. */
export { BOOTSTRAP_NAMESPACES };

export interface NodeOptions {
  readonly name: string;
  readonly capacity?: { readonly cpu?: string; readonly memory?: string; readonly pods?: string };
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ClusterOptions {
  /** Where state lives (default: a new `MemoryBackend`, closed with the cluster). */
  readonly backend?: Backend;
  /**
   * How containers run: `'simulated'` (default; no processes), `'process'` (real local processes from
   * `imageDir`), or a factory giving each node its runtime.
   */
  readonly runtime?: 'simulated' | 'process' | ((node: string) => ContainerRuntime);
  /** Local images for the process runtime (`<imageDir>/<name>/<tag>/image.json`). */
  readonly imageDir?: string;
  /** Node count (named `node-1`…) or their descriptions (default 3). */
  readonly nodes?: number | readonly NodeOptions[];
  /** Time for everything (default wall time; pass a `VirtualClock` to simulate). */
  readonly clock?: Clock;
  /** Built-in controllers to run (default all); `false` for none. */
  readonly controllers?: readonly BuiltinController[] | false;
  /** The scheduler's profile (default `spread`), or `false` to run without a scheduler. */
  readonly scheduler?: { readonly profile?: Profile | BuiltinProfileName } | false;
  /** Seeds uids, tie-breaking and the simulated runtime (default 1). */
  readonly seed?: number;
  /** Workers per controller (default 2). */
  readonly workers?: number;
  /** Told about every error a component retries; default: nothing. */
  readonly onError?: (error: unknown, component: string) => void;
}

export interface Cluster {
  readonly client: Client;
  readonly store: ObjectStore;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly controllers: ControllerManager;
  readonly scheduler: Scheduler | undefined;
  readonly agents: readonly Agent[];
  /** Starts every component; resolves once the nodes are registered and the caches synced. */
  start(): Promise<void>;
  /** Stops every component and releases every process, timer and handle it created. Idempotent. */
  stop(): Promise<void>;
  /** Creates or replaces (like `kubectl apply` without field management) each object of the manifest text. */
  apply(manifests: string | readonly KubeObject[]): Promise<KubeObject[]>;
  /** True when no controller, scheduler or agent has work queued or in flight. */
  readonly idle: boolean;
  /**
   * Where a running pod's container port is reachable from this process (`kubectl port-forward`'s
   * job): with the process runtime, a loopback port the runtime mapped; undefined when not running.
   */
  endpointOf(
    namespace: string,
    pod: string,
    containerPort: number,
  ): Promise<{ host: string; port: number } | undefined>;
  /** The nodes' agents by node name, as the API server reaches kubelets (`createApiServer({ nodes })`). */
  nodeConnections(): NodeConnections;
}

/** How an API server reaches this cluster's node agents (structurally `@flotilla/apiserver`'s). */
export interface NodeConnections {
  /** A container's log lines from the agent of `nodeName` (ServiceUnavailable when no such node). */
  logs(
    nodeName: string,
    namespace: string,
    pod: string,
    container: string,
    options: AgentLogOptions,
  ): AsyncIterable<{ readonly line: string; readonly time: number }>;
  /**
   * Runs a command in a running container through the agent of `nodeName` (`kubectl exec`): stdin
   * streamed in, output streamed to the callbacks, aborting kills it (ServiceUnavailable when no such
   * node; NotFound / BadRequest from the agent).
   */
  exec(
    nodeName: string,
    namespace: string,
    pod: string,
    container: string,
    command: readonly string[],
    options: ExecOptions,
  ): Promise<ExecResult>;
}

/** Each node its own /24 of 10.0.0.0/8, as Kubernetes gives each node a podCIDR: pod IPs never clash. */
export function nodePodCIDR(index: number): string {
  const n = index + 1;
  return `10.${(n >> 8) & 255}.${n & 255}.0/24`;
}

function nodeList(nodes: ClusterOptions['nodes']): NodeOptions[] {
  if (typeof nodes === 'object') return [...nodes];
  return Array.from({ length: nodes ?? 3 }, (_, i) => ({ name: `node-${i + 1}` }));
}

/**
 * An embedded cluster in one process: store, in-process client, shared informers, the built-in
 * controllers, the scheduler, and one agent per node, composed with sensible defaults.
 */
export function createCluster(options: ClusterOptions = {}): Cluster {
  const clock = options.clock ?? new SystemClock();
  const seed = options.seed ?? 1;
  const ownBackend = options.backend === undefined;
  const backend = options.backend ?? new MemoryBackend();
  const store = new ObjectStore({ backend, clock, seed });
  const client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock, random: createRandom(seed + 1) });
  const report = (component: string) => (error: unknown) => options.onError?.(error, component);

  const controllers = new ControllerManager();
  const enabled = options.controllers === false ? [] : (options.controllers ?? BUILTIN_CONTROLLERS);
  const workers = options.workers ?? 2;
  if (enabled.includes('deployment')) {
    controllers.add(
      createDeploymentController({ client, informers, clock, workers, onError: report('deployment') }),
    );
  }
  if (enabled.includes('replicaset')) {
    controllers.add(
      createReplicaSetController({ client, informers, clock, workers, onError: report('replicaset') }),
    );
  }
  if (enabled.includes('garbagecollector')) {
    controllers.add(
      createGarbageCollector({ client, informers, clock, workers, onError: report('garbagecollector') }),
    );
  }
  if (enabled.includes('namespace')) {
    controllers.add(createNamespaceController({ client, informers, clock, onError: report('namespace') }));
  }
  if (enabled.includes('endpoints')) {
    controllers.add(
      createEndpointsController({ client, informers, clock, workers, onError: report('endpoints') }),
    );
  }
  // Cluster IPs and node ports are allocated at create time, as Kubernetes' Service storage does.
  const serviceAllocator = createServiceAllocator();
  let serviceWatch: { unsubscribe(): void } | undefined;
  controllers.add(
    createServiceIPRepairController({
      client,
      clock,
      allocator: serviceAllocator,
      onError: report('service-ip-repair'),
    }),
  );
  const scheduler =
    options.scheduler === false
      ? undefined
      : new Scheduler({
          client,
          informers,
          clock,
          seed,
          ...(options.scheduler?.profile ? { profile: options.scheduler.profile } : {}),
          onError: report('scheduler'),
        });

  const runtimes: ContainerRuntime[] = [];
  const runtimeOfNode = new Map<string, ContainerRuntime>();
  const runtimeFor = (node: string, index: number): ContainerRuntime => {
    const r = options.runtime;
    const runtime =
      typeof r === 'function'
        ? r(node)
        : r === 'process'
          ? new ProcessRuntime({ clock, ...(options.imageDir ? { imageDir: options.imageDir } : {}) })
          : new SimulatedRuntime({ clock, seed: seed * 1000 + index, podCIDR: nodePodCIDR(index) });
    runtimes.push(runtime);
    runtimeOfNode.set(node, runtime);
    return runtime;
  };
  const agents = nodeList(options.nodes).map((n, i) =>
    createAgent({
      nodeName: n.name,
      client,
      informers,
      runtime: runtimeFor(n.name, i),
      clock,
      random: createRandom(seed * 7919 + i),
      ...(n.capacity ? { capacity: n.capacity } : {}),
      ...(n.labels ? { labels: n.labels } : {}),
      onError: report(`agent ${n.name}`),
    }),
  );

  let state: 'new' | 'running' | 'stopped' = 'new';

  async function start(): Promise<void> {
    if (state !== 'new') throw new Error(`cluster is ${state}`);
    state = 'running';
    store.addAdmission(serviceAllocator);
    const mark = serviceAllocator.mark();
    serviceAllocator.rebuild((await client.resource('v1', 'Service').list()).items, mark);
    serviceWatch = serviceAllocator.observe(informers.informerFor('v1', 'Service').events$);
    await ensureNamespaces(client, BOOTSTRAP_NAMESPACES);
    informers.start();
    await Promise.all(agents.map((a) => a.start()));
    scheduler?.start();
    controllers.start();
    await informers.whenSynced();
  }

  async function stop(): Promise<void> {
    if (state === 'stopped') return;
    const wasRunning = state === 'running';
    state = 'stopped';
    if (wasRunning) {
      await controllers.stop();
      await scheduler?.stop();
      await Promise.all(agents.map((a) => a.stop()));
    }
    serviceWatch?.unsubscribe();
    informers.stop();
    await Promise.all(runtimes.map((r) => r.close()));
    store.close();
    if (ownBackend) await backend.close();
  }

  async function apply(manifests: string | readonly KubeObject[]): Promise<KubeObject[]> {
    const objects = typeof manifests === 'string' ? parseManifests(manifests) : manifests;
    const out: KubeObject[] = [];
    for (const object of objects) {
      const kind = lookupKind(object);
      const namespace = kind?.namespaced ? (object.metadata?.namespace ?? 'default') : undefined;
      let api = client.resource(object.apiVersion, object.kind);
      if (namespace) api = api.namespace(namespace);
      const name = object.metadata?.name ?? '';
      const withNamespace = (
        namespace ? { ...object, metadata: { ...object.metadata, namespace } } : object
      ) as KubeObject;
      try {
        const current = await api.get(name);
        out.push(
          (await api.update({
            ...withNamespace,
            metadata: { ...withNamespace.metadata, resourceVersion: current.metadata?.resourceVersion },
          } as never)) as KubeObject,
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
        out.push((await api.create(withNamespace as never)) as KubeObject);
      }
    }
    return out;
  }

  async function endpointOf(namespace: string, pod: string, containerPort: number) {
    const object = await client.resource('v1', 'Pod').namespace(namespace).get(pod);
    const runtime = runtimeOfNode.get(object.spec?.nodeName ?? '');
    if (!runtime) return undefined;
    const containers = await runtime.listContainers({
      labels: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: pod },
    });
    for (const c of containers) {
      if (c.state !== 'RUNNING') continue;
      const mapping = c.ports.find((p) => p.containerPort === containerPort);
      if (mapping) return { host: mapping.hostIP ?? '127.0.0.1', port: mapping.hostPort ?? containerPort };
    }
    return undefined;
  }

  const agentOf = (nodeName: string): Agent => {
    const agent = agents.find((a) => a.nodeName === nodeName);
    if (agent === undefined) {
      throw new ApiError('ServiceUnavailable', `no agent for node "${nodeName}" in this cluster`);
    }
    return agent;
  };
  const connections: NodeConnections = {
    logs(nodeName, namespace, pod, container, logOptions) {
      return agentOf(nodeName).logs(namespace, pod, container, logOptions);
    },
    async exec(nodeName, namespace, pod, container, command, execOptions) {
      return agentOf(nodeName).exec(namespace, pod, container, command, execOptions);
    },
  };

  return {
    endpointOf,
    nodeConnections: () => connections,
    client,
    store,
    informers,
    clock,
    controllers,
    scheduler,
    agents,
    start,
    stop,
    apply,
    get idle() {
      return controllers.idle && (scheduler?.idle ?? true) && agents.every((a) => a.idle);
    },
  };
}
