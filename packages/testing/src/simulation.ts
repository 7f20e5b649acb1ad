import { type Agent, createAgent } from '@flotilla/agent';
import {
  ApiError,
  BOOTSTRAP_NAMESPACES,
  isNotFound,
  type KubeObject,
  lookupKind,
  type Node,
  parseManifests,
} from '@flotilla/api';
import {
  type Client,
  createInProcessClient,
  ensureNamespaces,
  SharedInformerFactory,
} from '@flotilla/client';
import { createRandom, parseRFC3339, type Random, VirtualClock } from '@flotilla/clock';
import {
  type Controller,
  ControllerManager,
  createDeploymentController,
  createNodeLifecycleController,
  createReplicaSetController,
  DEFAULT_NODE_MONITOR_GRACE_MS,
  TAINT_NODE_UNREACHABLE as UNREACHABLE,
} from '@flotilla/controllers';
import {
  CONTAINER_NAME_LABEL,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  SimulatedRuntime,
  type SimulatedRuntimeOptions,
} from '@flotilla/runtime';
import { type BuiltinProfileName, type Profile, Scheduler } from '@flotilla/scheduler';
import { type BackendEvent, MemoryBackend, ObjectStore } from '@flotilla/store';
import { type ClientCall, faultyClient, gatedClient, WRITE_VERBS } from './faulty-client.js';
import { type HistoryEntry, type HistoryMode, HistoryRecorder } from './history.js';

/** Built-in controllers a simulation can run. */
export type SimController = 'deployment' | 'replicaset' | 'nodelifecycle';
export const SIM_CONTROLLERS: readonly SimController[] = ['deployment', 'replicaset', 'nodelifecycle'];

/** Namespaces every simulation starts with, as Kubernetes' API server creates them. */
export const SIM_NAMESPACES = BOOTSTRAP_NAMESPACES;

export interface SimNodeOptions {
  readonly name: string;
  readonly capacity?: { readonly cpu?: string; readonly memory?: string; readonly pods?: string };
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a user controller factory receives; called again (with a fresh cache) on every restart. */
export interface ControlPlaneContext {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: VirtualClock;
  readonly seed: number;
}

export interface SimulationOptions {
  /** Everything random (uids, tie-breaks, jitter, runtime latencies, injected faults) derives from it. */
  readonly seed: number;
  /** Node count (named `node-1`…) or descriptions (default 3). */
  readonly nodes?: number | readonly SimNodeOptions[];
  /** Built-in controllers (default all three); `false` for none. */
  readonly controllers?: readonly SimController[] | false;
  /** Your own controllers, built on the control plane's client and informers (and rebuilt on restart). */
  readonly extraControllers?: (context: ControlPlaneContext) => readonly Controller[];
  /** The scheduler's profile (default `spread`), or `false` to run without one. */
  readonly scheduler?: { readonly profile?: Profile | BuiltinProfileName } | false;
  /** Workers per controller (default 2). */
  readonly workers?: number;
  /** Virtual start time in epoch ms (default 2024-01-01T00:00:00Z). */
  readonly start?: number;
  /** What to keep of the write history (default `full`; use `digest` or `off` for big runs). */
  readonly history?: HistoryMode;
  /** Options for every node's `SimulatedRuntime` (the clock and seed are the simulation's). */
  readonly runtime?: Omit<SimulatedRuntimeOptions, 'clock' | 'seed'>;
  /** Node-lifecycle timings (defaults: Kubernetes' 40 s grace, 300 s eviction). */
  readonly nodeLifecycle?: { readonly gracePeriodMs?: number; readonly evictionTimeoutMs?: number };
  /** Record `Scheduled` Events (default false: they only add writes). */
  readonly schedulerEvents?: boolean;
  /** Told about every error a component retries (injected faults cause many); default nothing. */
  readonly onError?: (error: unknown, component: string) => void;
  /**
   * Heartbeat coalescing (default true): while every node is healthy — no fault injected, every Node Ready
   * and untainted, every Lease fresh — `runFor` (and the steps of `runUntil`, `runUntilSettled`) holds the
   * agents' heartbeat and resync timers and the node-lifecycle controller's timers, and when the exact
   * state is needed (a call about Nodes or Leases, a fault, an agent waiting on a back-off while resyncs
   * are held) runs one catch-up round: each agent renews its Lease (and node status when due) stamped with
   * the times its last skipped beat would have written, then the controller's deadline checks run, then the
   * resyncs. Decisions are those of the exact run (`false`); the history has fewer Lease and Node-status
   * writes.
   */
  readonly coalesceHeartbeats?: boolean;
}

export interface SettleOptions {
  /**
   * The cluster must stay unchanged this long (virtual ms, default 45 s: longer than the 40 s after
   * which a silent node is declared NotReady, so that a stopped node is noticed).
   */
  readonly quietMs?: number;
  /** Time advances in steps of this many virtual ms (default 1 s). */
  readonly stepMs?: number;
  /** Give up after this much virtual time (default 30 min) with a `NotSettledError`. */
  readonly maxMs?: number;
  /** Called after every step (e.g. to check invariants). */
  readonly onStep?: () => void | Promise<void>;
}

/** `runUntilSettled` ran out of virtual time; the message says what was still moving. */
export class NotSettledError extends Error {
  override readonly name = 'NotSettledError';
}

/** One simulated node: its agent (replaced by `restartNode`) and its runtime. */
export interface SimNode {
  readonly name: string;
  readonly runtime: SimulatedRuntime;
  readonly agent: Agent;
  /** The agent is crashed (`stopNode`) and not restarted. */
  readonly stopped: boolean;
  /** The agent's requests fail (`partition`). */
  readonly partitioned: boolean;
}

/** Faults on demand; every method applies at the current virtual time. */
export interface Faults {
  /** The node's agent dies: no heartbeats, syncs or probes (its containers keep running). */
  stopNode(node: string): void;
  /** A stopped node comes back with a fresh agent on the same runtime (a running node: nothing happens). */
  restartNode(node: string): Promise<void>;
  /** The node's Lease renewals and status updates stop; pods keep syncing. */
  pauseHeartbeats(node: string): void;
  resumeHeartbeats(node: string): void;
  /** Every request of the node's agent fails with ServiceUnavailable until `heal`. */
  partition(node: string): void;
  heal(node: string): void;
  /** The pod's container (default: its first) exits with `exitCode` (default 1). Returns false if not running. */
  crashContainer(
    namespace: string,
    pod: string,
    options?: { container?: string; exitCode?: number },
  ): Promise<boolean>;
  /** The pod's container stops answering probes and ignores SIGTERM. Returns false if not running. */
  hangContainer(namespace: string, pod: string, options?: { container?: string }): Promise<boolean>;
  /** Multiplies the node's runtime latencies (1 = normal). */
  slowRuntime(node: string, factor: number): void;
  /** Each write (create, update, status, patch, delete) fails with Conflict with this probability (0 stops). */
  conflictRate(rate: number): void;
  /** Stops the controllers and the scheduler and starts new ones on a fresh, empty cache. */
  restartControllerManager(): Promise<void>;
  /** Ends every partition, heartbeat pause, slowdown and conflict rate (stopped nodes stay stopped). */
  healAll(): void;
}

export interface Simulation {
  readonly seed: number;
  readonly clock: VirtualClock;
  readonly backend: MemoryBackend;
  readonly store: ObjectStore;
  /** A client for the test itself: never subject to injected faults. */
  readonly client: Client;
  readonly nodes: readonly SimNode[];
  /** The current control plane (replaced by `faults.restartControllerManager`). */
  readonly controllers: ControllerManager;
  readonly scheduler: Scheduler | undefined;
  readonly informers: SharedInformerFactory;
  readonly faults: Faults;
  /** Every write so far (mode `full`). */
  readonly history: readonly HistoryEntry[];
  /** Number of writes so far. */
  readonly writes: number;
  /** The history as text, one `<revision> <type> <key> <value>` line per write (mode `full`). */
  historyText(): string;
  /** 64-bit digest of `historyText()` (modes `full` and `digest`). */
  historyDigest(): string;
  /** Creates the namespaces, starts every component and registers the nodes. */
  start(): Promise<void>;
  /** Stops everything; leaves no timer behind. Idempotent. */
  stop(): Promise<void>;
  /** Creates or replaces each object (like `kubectl apply` without field management). */
  apply(manifests: string | readonly KubeObject[]): Promise<KubeObject[]>;
  /**
   * Advances virtual time by `ms`, firing every timer on the way (with heartbeat coalescing, the
   * periodic heartbeat, resync and node-lifecycle timers once, at the end, when the cluster is healthy).
   */
  runFor(ms: number): Promise<void>;
  /** Advances in steps until `check` holds; throws after `timeoutMs` of virtual time. */
  runUntil(
    check: () => boolean | Promise<boolean>,
    options?: { timeoutMs?: number; stepMs?: number; what?: string },
  ): Promise<void>;
  /**
   * Advances until no controller, scheduler or agent has work, nothing but heartbeats has been
   * written for `quietMs`, and no pod waits for eviction from a NotReady node; resolves to the virtual ms it took. Throws `NotSettledError` after `maxMs`.
   */
  runUntilSettled(options?: SettleOptions): Promise<number>;
  /** No controller, scheduler or live agent has work queued or in flight. */
  readonly idle: boolean;
  /** Virtual ms since the simulation was created. */
  readonly elapsed: number;
}

function nodeList(nodes: SimulationOptions['nodes']): SimNodeOptions[] {
  if (typeof nodes === 'object') return [...nodes];
  return Array.from({ length: nodes ?? 3 }, (_, i) => ({ name: `node-${i + 1}` }));
}

/** A unique, stable InternalIP per node index. */
const addressOf = (i: number) => `10.${(i >> 14) & 255}.${(i >> 6) & 255}.${(i & 63) + 1}`;

/** Strips what changes on every heartbeat, so that a node status write which only says "alive" is no change. */
const withoutHeartbeat = (value: string) =>
  value.replace(/"lastHeartbeatTime":"[^"]*"/g, '').replace(/"resourceVersion":"\d+"/, '');

/**
 * A whole cluster in one process on a virtual clock: in-memory backend, object store, the built-in
 * controllers (Deployment, ReplicaSet, node lifecycle), the scheduler, and one agent with a
 * `SimulatedRuntime` per node — every source of time and randomness derived from `seed`, so that the
 * same seed and the same test steps give the same history of writes, byte for byte.
 */
export function createSimulation(options: SimulationOptions): Simulation {
  const seed = options.seed;
  const clock = new VirtualClock(options.start === undefined ? {} : { start: options.start });
  const t0 = clock.now();
  const backend = new MemoryBackend({ historyLimit: 100_000 });
  const store = new ObjectStore({ backend, clock, seed });
  const prefixOf = (apiVersion: string, kind: string, namespaced: boolean) =>
    store
      .keyOf({ apiVersion, kind, name: 'x', ...(namespaced ? { namespace: 'x' } : {}) })
      .slice(0, namespaced ? -3 : -1);
  const LEASE_PREFIX = prefixOf('coordination.k8s.io/v1', 'Lease', true);
  const EVENT_PREFIX = prefixOf('v1', 'Event', true);
  const NODE_PREFIX = prefixOf('v1', 'Node', false);
  const NODE_LEASE_PREFIX = `${LEASE_PREFIX}kube-node-lease/`;
  let lastChangeAt = t0;
  let lastChangeKey = '';

  // Heartbeat coalescing: the lanes the simulation may hold, in catch-up order, and what it knows of
  // every node's health from the writes themselves.
  const coalesce = options.coalesceHeartbeats ?? true;
  const LANES = ['heartbeat', 'nodelifecycle', 'resync'] as const;
  const laneClock = (lane: (typeof LANES)[number]) => (coalesce ? clock.lane(lane) : clock);
  /** Nodes whose stored Node is not Ready=True or carries the unreachable taint (or is gone). */
  const unsteady = new Set<string>();
  /** Each node Lease's renewTime (epoch ms); absent: no Lease. */
  const renewedAt = new Map<string, number>();
  const trackHealth = (event: BackendEvent) => {
    const key = event.kv.key;
    if (key.startsWith(NODE_LEASE_PREFIX)) {
      const name = key.slice(NODE_LEASE_PREFIX.length);
      const renew = event.type === 'put' ? /"renewTime":"([^"]+)"/.exec(event.kv.value)?.[1] : undefined;
      const at = renew === undefined ? undefined : parseRFC3339(renew);
      if (at === undefined) renewedAt.delete(name);
      else renewedAt.set(name, at);
    } else if (key.startsWith(NODE_PREFIX)) {
      const name = key.slice(NODE_PREFIX.length);
      const value = event.type === 'put' ? event.kv.value : '';
      // Fast path: what a healthy agent writes (Ready because KubeletReady, nothing Unknown, no taint).
      if (
        value.includes('"KubeletReady"') &&
        !value.includes('"Unknown"') &&
        !value.includes(UNREACHABLE) &&
        !unsteady.has(name)
      )
        return;
      const node = value === '' ? undefined : (JSON.parse(value) as Node);
      const ready = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const tainted = node?.spec?.taints?.some((t) => t.key === UNREACHABLE) ?? false;
      if (ready && !tainted) unsteady.delete(name);
      else unsteady.add(name);
    }
  };
  const noteChange = (event: BackendEvent) => {
    if (coalesce) trackHealth(event);
    const key = event.kv.key;
    if (key.startsWith(LEASE_PREFIX) || key.startsWith(EVENT_PREFIX)) return;
    if (
      key.startsWith(NODE_PREFIX) &&
      event.type === 'put' &&
      event.prevKv &&
      withoutHeartbeat(event.kv.value) === withoutHeartbeat(event.prevKv.value)
    ) {
      return;
    }
    lastChangeAt = clock.now();
    lastChangeKey = key;
  };
  const recorder = new HistoryRecorder(backend, options.history ?? 'full', noteChange);
  const client = createInProcessClient(store);

  // Catch-ups (releasing the held lanes) and the effects of faults injected meanwhile run in order,
  // one after the other; every entry point (runFor, the test client, async faults) waits for them.
  let pending: Promise<void> | undefined;
  const enqueue = (work: () => void | Promise<void>): void => {
    const next = (pending ?? Promise.resolve()).then(work);
    pending = next;
    void next.then(
      () => {
        if (pending === next) pending = undefined;
      },
      (error) => {
        if (pending === next) pending = undefined;
        options.onError?.(error, 'simulation');
      },
    );
  };
  const catchUp = async () => {
    if (clock.holding) await clock.releaseLanes();
  };
  /** Waits for every catch-up and deferred fault effect. */
  const quiesce = async () => {
    while (pending) await pending;
  };
  /** Catches up (when lanes are held) and waits: the state is then that of the exact run. */
  const caughtUp = async () => {
    if (clock.holding) enqueue(catchUp);
    await quiesce();
  };
  /**
   * A fault's effect: at once when nothing is held, else after the catch-up (the skipped beats came
   * before the fault) — in the order faults were injected.
   */
  const act = (effect: () => void) => {
    if (!clock.holding && !pending) effect();
    else
      enqueue(async () => {
        await catchUp();
        effect();
      });
  };
  /**
   * The test client: any call about Nodes or Leases first catches up (so that it sees, or changes,
   * the state of the exact run); any call waits for pending effects. Other writes do not need the
   * held beats: like a controller's write made inside a held window, they change nothing a heartbeat
   * or the node-lifecycle controller reads.
   */
  const testClient = coalesce
    ? gatedClient(client, (call) => {
        if (clock.holding && (call.kind === 'Node' || call.kind === 'Lease')) enqueue(catchUp);
        return pending ? quiesce() : undefined;
      })
    : client;
  const report = (component: string) => (error: unknown) => options.onError?.(error, component);

  // Injected faults: one seeded stream, consulted in the (deterministic) order calls are made.
  const faultRandom: Random = createRandom(seed * 31 + 17);
  // What faults are injected (`conflictRate`, `partitioned`, … as reported) and in effect (`activeRate`,
  // `cutOff`): the same, except while a catch-up runs before a fault takes effect.
  let conflictRate = 0;
  let activeRate = 0;
  const partitioned = new Set<string>();
  const cutOff = new Set<string>();
  const paused = new Set<string>();
  const slowed = new Set<string>();
  const conflictPolicy = (call: ClientCall): Error | undefined => {
    if (activeRate <= 0 || !WRITE_VERBS.has(call.verb)) return undefined;
    if (faultRandom.next() >= activeRate) return undefined;
    return ApiError.conflict(
      {
        group: call.apiVersion.includes('/') ? (call.apiVersion.split('/')[0] ?? '') : '',
        resource: `${call.kind.toLowerCase()}s`,
      },
      call.name ?? '',
      'injected conflict (simulation)',
    );
  };
  const controlClient = faultyClient(client, conflictPolicy);
  const agentClient = (node: string) =>
    faultyClient(client, (call) =>
      cutOff.has(node)
        ? new ApiError('ServiceUnavailable', `node ${node} is partitioned from the API (simulation)`)
        : conflictPolicy(call),
    );

  // Node side: one informer factory shared by every agent (a partition fails the agent's requests).
  const nodeInformers = new SharedInformerFactory(client, { clock, random: createRandom(seed + 2) });
  const descriptions = nodeList(options.nodes);
  interface NodeState {
    name: string;
    index: number;
    description: SimNodeOptions;
    runtime: SimulatedRuntime;
    agent: Agent;
    stopped: boolean;
    incarnation: number;
  }
  const makeAgent = (d: SimNodeOptions, index: number, runtime: SimulatedRuntime, incarnation: number) =>
    createAgent({
      nodeName: d.name,
      client: agentClient(d.name),
      informers: nodeInformers,
      runtime,
      clock,
      random: createRandom(seed * 7919 + index * 13 + incarnation),
      address: addressOf(index),
      ...(coalesce ? { laneClocks: { heartbeat: laneClock('heartbeat'), resync: laneClock('resync') } } : {}),
      ...(d.capacity ? { capacity: d.capacity } : {}),
      ...(d.labels ? { labels: d.labels } : {}),
      onError: report(`agent ${d.name}`),
    });
  const nodes: NodeState[] = descriptions.map((d, index) => {
    const runtime = new SimulatedRuntime({ ...options.runtime, clock, seed: seed * 1000 + index });
    return {
      name: d.name,
      index,
      description: d,
      runtime,
      agent: makeAgent(d, index, runtime, 0),
      stopped: false,
      incarnation: 0,
    };
  });
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const nodeNamed = (name: string): NodeState => {
    const n = nodeByName.get(name);
    if (!n) throw new Error(`no node named "${name}" (nodes: ${[...nodeByName.keys()].join(', ')})`);
    return n;
  };

  // Control plane: controllers and scheduler on their own informers, rebuilt on restart.
  let generation = 0;
  const buildControlPlane = () => {
    generation++;
    const informers = new SharedInformerFactory(controlClient, {
      clock,
      random: createRandom(seed + 1 + generation * 101),
    });
    const manager = new ControllerManager();
    const enabled = options.controllers === false ? [] : (options.controllers ?? SIM_CONTROLLERS);
    const workers = options.workers ?? 2;
    const common = { client: controlClient, informers, clock, workers };
    if (enabled.includes('deployment'))
      manager.add(createDeploymentController({ ...common, onError: report('deployment') }));
    if (enabled.includes('replicaset'))
      manager.add(createReplicaSetController({ ...common, onError: report('replicaset') }));
    if (enabled.includes('nodelifecycle')) {
      manager.add(
        createNodeLifecycleController({
          ...common,
          clock: laneClock('nodelifecycle'),
          ...options.nodeLifecycle,
          onError: report('nodelifecycle'),
        }),
      );
    }
    for (const c of options.extraControllers?.({ client: controlClient, informers, clock, seed }) ?? [])
      manager.add(c);
    const scheduler =
      options.scheduler === false
        ? undefined
        : new Scheduler({
            client: controlClient,
            informers,
            clock,
            seed: seed + generation,
            events: options.schedulerEvents ?? false,
            ...(options.scheduler?.profile ? { profile: options.scheduler.profile } : {}),
            onError: report('scheduler'),
          });
    return { informers, manager, scheduler };
  };
  let plane = buildControlPlane();
  const startPlane = async () => {
    plane.informers.start();
    plane.scheduler?.start();
    plane.manager.start();
    await plane.informers.whenSynced();
  };
  const stopPlane = async () => {
    await plane.manager.stop();
    await plane.scheduler?.stop();
    plane.informers.stop();
  };

  let state: 'new' | 'running' | 'stopped' = 'new';
  const isIdle = () =>
    plane.manager.idle && (plane.scheduler?.idle ?? true) && nodes.every((n) => n.stopped || n.agent.idle);

  async function containerOf(namespace: string, pod: string, container?: string) {
    const object = await client.resource('v1', 'Pod').namespace(namespace).get(pod);
    const node = nodeByName.get(object.spec?.nodeName ?? '');
    if (!node) return undefined;
    const name = container ?? object.spec?.containers[0]?.name;
    const found = await node.runtime.listContainers({
      labels: { [POD_NAMESPACE_LABEL]: namespace, [POD_NAME_LABEL]: pod },
    });
    const running = found.find((c) => c.state === 'RUNNING' && c.labels[CONTAINER_NAME_LABEL] === name);
    return running ? { runtime: node.runtime, id: running.id } : undefined;
  }

  const faults: Faults = {
    stopNode(name) {
      const n = nodeNamed(name);
      if (n.stopped) return;
      n.stopped = true;
      const agent = n.agent;
      act(() => agent.crash());
    },
    async restartNode(name) {
      await caughtUp();
      const n = nodeNamed(name);
      if (!n.stopped) return;
      n.incarnation++;
      n.agent = makeAgent(n.description, n.index, n.runtime, n.incarnation);
      n.stopped = false;
      await n.agent.start();
    },
    pauseHeartbeats(name) {
      const agent = nodeNamed(name).agent;
      paused.add(name);
      act(() => agent.pauseHeartbeats());
    },
    resumeHeartbeats(name) {
      const agent = nodeNamed(name).agent;
      paused.delete(name);
      act(() => agent.resumeHeartbeats());
    },
    partition(name) {
      nodeNamed(name);
      partitioned.add(name);
      act(() => cutOff.add(name));
    },
    heal(name) {
      partitioned.delete(name);
      act(() => cutOff.delete(name));
    },
    async crashContainer(namespace, pod, o = {}) {
      await caughtUp();
      const c = await containerOf(namespace, pod, o.container).catch(() => undefined);
      if (!c) return false;
      c.runtime.crash(c.id, o.exitCode ?? 1);
      return true;
    },
    async hangContainer(namespace, pod, o = {}) {
      await caughtUp();
      const c = await containerOf(namespace, pod, o.container).catch(() => undefined);
      if (!c) return false;
      c.runtime.hang(c.id);
      return true;
    },
    slowRuntime(name, factor) {
      const runtime = nodeNamed(name).runtime;
      if (factor === 1) slowed.delete(name);
      else slowed.add(name);
      act(() => runtime.setSlow(factor));
    },
    conflictRate(rate) {
      if (!(rate >= 0 && rate <= 1))
        throw new RangeError(`conflictRate: Invalid value: ${rate}: must be in [0, 1]`);
      conflictRate = rate;
      act(() => {
        activeRate = rate;
      });
    },
    async restartControllerManager() {
      if (state !== 'running') throw new Error(`simulation is ${state}`);
      await caughtUp();
      await stopPlane();
      plane = buildControlPlane();
      await startPlane();
    },
    healAll() {
      partitioned.clear();
      paused.clear();
      slowed.clear();
      conflictRate = 0;
      act(() => {
        cutOff.clear();
        activeRate = 0;
        for (const n of nodes) {
          if (!n.stopped) n.agent.resumeHeartbeats();
          n.runtime.setSlow(1);
        }
      });
    },
  };

  async function start(): Promise<void> {
    if (state !== 'new') throw new Error(`simulation is ${state}`);
    state = 'running';
    await ensureNamespaces(client, SIM_NAMESPACES);
    nodeInformers.start();
    for (const n of nodes) await n.agent.start();
    await startPlane();
  }

  async function stop(): Promise<void> {
    if (state === 'stopped') return;
    await caughtUp();
    const wasRunning = state === 'running';
    state = 'stopped';
    if (wasRunning) {
      await stopPlane();
      for (const n of nodes) if (!n.stopped) await n.agent.stop();
    } else {
      plane.informers.stop();
    }
    nodeInformers.stop();
    for (const n of nodes) await n.runtime.close();
    recorder.stop();
    store.close();
    await backend.close();
  }

  async function apply(manifests: string | readonly KubeObject[]): Promise<KubeObject[]> {
    const objects = typeof manifests === 'string' ? parseManifests(manifests) : manifests;
    const out: KubeObject[] = [];
    for (const object of objects) {
      const kind = lookupKind(object);
      const namespace = kind?.namespaced ? (object.metadata?.namespace ?? 'default') : undefined;
      let api = testClient.resource(object.apiVersion, object.kind);
      if (namespace) api = api.namespace(namespace);
      const withNamespace = (
        namespace ? { ...object, metadata: { ...object.metadata, namespace } } : object
      ) as KubeObject;
      try {
        const current = await api.get(object.metadata?.name ?? '');
        const next = {
          ...withNamespace,
          metadata: { ...withNamespace.metadata, resourceVersion: current.metadata?.resourceVersion },
        };
        out.push((await api.update(next as never)) as KubeObject);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        out.push((await api.create(withNamespace as never)) as KubeObject);
      }
    }
    return out;
  }

  const graceMs = options.nodeLifecycle?.gracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_MS;
  /** Heartbeat period of the agents (their default). */
  const HEARTBEAT_MS = 10_000;
  /**
   * Holding the heartbeat and node-lifecycle lanes until the next catch-up decides nothing
   * differently when: no fault is active (every agent renews at its cadence, every write succeeds),
   * every Node is Ready and untainted (a heartbeat only refreshes times, the controller has nothing to
   * do), and every Lease is fresh enough that its next renewal comes before the controller's deadline.
   */
  const coalescible = () => {
    if (!coalesce || state !== 'running' || conflictRate > 0) return false;
    if (partitioned.size > 0 || paused.size > 0 || slowed.size > 0 || unsteady.size > 0) return false;
    const now = clock.now();
    for (const n of nodes) {
      if (n.stopped) return false;
      const renewed = renewedAt.get(n.name);
      if (renewed === undefined || renewed + graceMs <= now + HEARTBEAT_MS) return false;
    }
    return true;
  };

  /**
   * Advances by `ms`. When the cluster is coalescible, the lanes are held — and stay held across
   * calls, until something needs the exact state: a write through the test client, any call of it
   * about Nodes or Leases, a fault, `stop`. Everything that could make holding inexact goes through
   * one of those, and each catches up first, from a state with nothing in flight.
   */
  async function advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`runFor: ms must be a non-negative number, got ${ms}`);
    if (pending) await quiesce();
    // Resyncs only re-read unchanged pods while no agent waits on a retry or back-off (a resync
    // would cut that short): only then are they held too (joining a hold already running). A write
    // made while they were held (by a controller, or the test) may have started such a wait: then
    // catch up, and hold again without them.
    const resyncIdle = () => nodes.every((n) => n.stopped || (n.agent.idle && n.agent.delayed === 0));
    if (clock.heldLanes.includes('resync') && !resyncIdle()) {
      // What a write just queued runs at this instant first (as the window would run it anyway).
      await clock.advanceTo(clock.now());
      if (!resyncIdle()) await caughtUp();
    }
    const end = clock.now() + ms;
    if (clock.holding || coalescible())
      clock.holdLanes(resyncIdle() ? LANES : LANES.filter((l) => l !== 'resync'));
    await clock.advanceTo(end);
  }

  async function runUntil(
    check: () => boolean | Promise<boolean>,
    o: { timeoutMs?: number; stepMs?: number; what?: string } = {},
  ): Promise<void> {
    const deadline = clock.now() + (o.timeoutMs ?? 600_000);
    for (;;) {
      if (await check()) return;
      if (clock.now() >= deadline) {
        throw new Error(
          `timed out after ${o.timeoutMs ?? 600_000} virtual ms waiting for ${o.what ?? 'condition'}`,
        );
      }
      await advance(o.stepMs ?? 1_000);
    }
  }

  const evicting =
    options.controllers === false
      ? false
      : (options.controllers ?? SIM_CONTROLLERS).includes('nodelifecycle');
  /** A pod still bound to a NotReady node will be evicted: the cluster is not settled yet. */
  async function evictionPending(): Promise<boolean> {
    if (!evicting) return false;
    const down = (await client.resource('v1', 'Node').list()).items.filter(
      (n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True',
    );
    for (const node of down) {
      const pods = await client
        .resource('v1', 'Pod')
        .list({ fieldSelector: `spec.nodeName=${node.metadata?.name}` });
      const staying = (t: { key?: string; operator?: string; tolerationSeconds?: number }) =>
        (t.key === 'node.kubernetes.io/unreachable' || (!t.key && t.operator === 'Exists')) &&
        t.tolerationSeconds === undefined;
      if (pods.items.some((p) => !p.metadata?.deletionTimestamp && !p.spec?.tolerations?.some(staying)))
        return true;
    }
    return false;
  }

  async function runUntilSettled(o: SettleOptions = {}): Promise<number> {
    const quiet = o.quietMs ?? 45_000;
    const step = o.stepMs ?? 1_000;
    const max = o.maxMs ?? 30 * 60_000;
    const from = clock.now();
    for (;;) {
      await advance(step);
      await o.onStep?.();
      if (isIdle() && clock.now() - lastChangeAt >= quiet && !(await evictionPending()))
        return clock.now() - from;
      if (clock.now() - from >= max) {
        const busy = [
          ...(plane.manager.idle ? [] : ['controllers']),
          ...(plane.scheduler && !plane.scheduler.idle ? ['scheduler'] : []),
          ...nodes.filter((n) => !n.stopped && !n.agent.idle).map((n) => `agent ${n.name}`),
        ];
        throw new NotSettledError(
          `cluster did not settle within ${max} virtual ms: last change ${clock.now() - lastChangeAt} ms ago ` +
            `to ${lastChangeKey || '(none)'}; busy: ${busy.join(', ') || 'nothing'}`,
        );
      }
    }
  }

  return {
    seed,
    clock,
    backend,
    store,
    client: testClient,
    get nodes(): readonly SimNode[] {
      return nodes.map((n) => ({
        name: n.name,
        runtime: n.runtime,
        agent: n.agent,
        stopped: n.stopped,
        partitioned: partitioned.has(n.name),
      }));
    },
    get controllers() {
      return plane.manager;
    },
    get scheduler() {
      return plane.scheduler;
    },
    get informers() {
      return plane.informers;
    },
    faults,
    get history() {
      return recorder.entries;
    },
    get writes() {
      return recorder.length;
    },
    historyText: () => recorder.text(),
    historyDigest: () => recorder.digest(),
    start,
    stop,
    apply,
    runFor: advance,
    runUntil,
    runUntilSettled,
    get idle() {
      return isIdle();
    },
    get elapsed() {
      return clock.now() - t0;
    },
  };
}
