import {
  ApiError,
  type Container,
  compareResourceVersions,
  isConflict,
  isNotFound,
  type Pod,
  type PodStatus,
  type Probe,
  type Taint,
} from '@flotilla/api';
import {
  type Client,
  type Informer,
  type InformerEvent,
  SharedInformerFactory,
  WorkQueue,
} from '@flotilla/client';
import { type Clock, parseRFC3339, type Random, type TimerHandle } from '@flotilla/clock';
import {
  type ContainerRuntime,
  type ContainerStatus,
  containerConfig,
  type ExecOptions,
  type ExecResult,
  isRuntimeError,
  type LogEntry,
  type LogStream,
  type PodSandboxStatus,
  type ProbeKind,
  podSandboxConfig,
} from '@flotilla/runtime';
import type { Subscription } from 'rxjs';
import { type BackoffEntry, IMAGE_PULL_BACKOFF, nextBackoff } from './backoff.js';
import { deepEqual, deepEqualIgnoring } from './equal.js';
import { NodeHeartbeat } from './heartbeat.js';
import { DEFAULT_CAPACITY, type NodeCapacity, type NodeDescription } from './node.js';
import { computePodActions, isTerminalPhase, type PodAction } from './pod-actions.js';
import { computePodStatus, initialProbeState } from './pod-status.js';
import { ProbeWorker } from './prober.js';
import type { ContainerView, PodRuntimeState, ProbeState, StartFailure } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface AgentOptions {
  /** The Node this agent registers and whose pods (`spec.nodeName`) it runs. */
  readonly nodeName: string;
  readonly client: Client;
  /** Shared informers; without them the agent makes its own factory (and stops it on `stop`). */
  readonly informers?: SharedInformerFactory;
  readonly runtime: ContainerRuntime;
  /** Every timer (probes, back-offs, heartbeats) runs on this clock. */
  readonly clock: Clock;
  /** `status.capacity` and `status.allocatable` (default cpu "4", memory "8Gi", pods "110"). */
  readonly capacity?: Partial<NodeCapacity>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  /**
   * The node's InternalIP and every pod's hostIP (default 127.0.0.1 for the process runtime, otherwise
   * a 10.255.x.y address derived from the node name — pass a unique one when simulating many nodes).
   */
  readonly address?: string;
  /** Lease renewal period (default 10 s). */
  readonly heartbeatIntervalMs?: number;
  /** `spec.leaseDurationSeconds` of the Lease (default 40). */
  readonly leaseDurationSeconds?: number;
  /** Node status (Ready's `lastHeartbeatTime`) is refreshed at most this often (default 60 s). */
  readonly nodeStatusUpdateMs?: number;
  /**
   * Every pod is synced again this often even without an event (the kubelet's `syncFrequency`), so a
   * lost container-exit event or probe notification is noticed (default 60 s; 0 turns it off). One
   * timer per agent.
   */
  readonly resyncIntervalMs?: number;
  /** Spreads the first heartbeat and resync over one interval, so that many agents do not act in step. */
  readonly random?: Random;
  /**
   * Separate clocks (same time) for the periodic heartbeat and resync timers — a simulation passes
   * lanes of its `VirtualClock` so that it can hold them while nothing can go wrong (heartbeat
   * coalescing). Heartbeats on their own clock catch up missed beats (`catchUpMissedBeats`).
   * Default: `clock`, unchanged behaviour.
   */
  readonly laneClocks?: { readonly heartbeat?: Clock; readonly resync?: Clock };
  /** Fields applied under every probe of every pod (for objects that did not go through defaulting). */
  readonly probeDefaults?: Partial<Probe>;
  /** Told about every failed pod sync or heartbeat (the agent retries either way). */
  readonly onError?: (error: unknown, context: string) => void;
}

export interface AgentStopOptions {
  /** Delete the Pod objects of this node too (default false). */
  readonly deletePods?: boolean;
  /** Leave containers running (default false: every container the agent started is stopped and removed). */
  readonly keepContainers?: boolean;
  /** Grace period for stopping containers (default 0: kill). */
  readonly gracePeriodSeconds?: number;
}

export interface AgentLogOptions {
  /** The previous instance of the container (`kubectl logs --previous`). */
  readonly previous?: boolean;
  readonly tail?: number;
  readonly follow?: boolean;
  readonly stream?: LogStream;
  readonly signal?: AbortSignal;
}

export interface AgentStats {
  readonly syncs: number;
  readonly statusWrites: number;
  readonly conflicts: number;
  readonly leaseRenewals: number;
  readonly nodeStatusWrites: number;
  readonly containersStarted: number;
}

/** A node agent (kubelet); see `createAgent`. */
export interface Agent {
  readonly nodeName: string;
  /** Registers the Node and its Lease, starts heartbeats and runs the node's pods; resolves once synced. */
  start(): Promise<void>;
  /** Stops watching and heartbeats; by default stops and removes every container it started. */
  stop(options?: AgentStopOptions): Promise<void>;
  /** Fault injection: the agent dies — no more heartbeats, syncs or probes — while containers keep running. */
  crash(): void;
  /** Fault injection: Lease renewals and node status updates stop (a partition); pods keep syncing. */
  pauseHeartbeats(): void;
  resumeHeartbeats(): void;
  /** Log lines of a pod's container (NotFound / BadRequest `ApiError`s as Kubernetes words them). */
  logs(namespace: string, pod: string, container: string, options?: AgentLogOptions): AsyncIterable<LogEntry>;
  /** Runs a command in a pod's running container. */
  exec(
    namespace: string,
    pod: string,
    container: string,
    cmd: readonly string[],
    options?: ExecOptions,
  ): Promise<ExecResult>;
  /** True when no pod sync is queued or running (timers may still be pending). */
  readonly idle: boolean;
  /** Pods this agent currently runs (by uid). */
  readonly podCount: number;
  /** Pods waiting to be synced again after a delay (a back-off, a retry, a requeue). */
  readonly delayed: number;
  readonly stats: AgentStats;
}

/** The label on every sandbox naming the node whose agent made it (so a restarted agent adopts its own). */
export const NODE_LABEL = 'flotilla.dev/node';

/** A failed start is reported as such (e.g. ErrImagePull) for this long before the back-off reason. */
const FAILURE_RESYNC_MS = 1_000;

interface ShellContainer {
  current?: ContainerStatus;
  previous?: ContainerStatus;
  backoff?: BackoffEntry;
  failure?: StartFailure;
  /** Probe results and workers of one running instance. */
  probeFor?: string;
  probe?: ProbeState;
  workers: ProbeWorker[];
}

interface PodRecord {
  readonly uid: string;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  pod: Pod;
  sandboxId?: string;
  sandboxIp?: string;
  sandboxReady: boolean;
  startTime?: number;
  readonly containers: Map<string, ShellContainer>;
  /** Messages of containers the agent killed (probe failures), by container id, for `terminated.message`. */
  readonly killed: Map<string, string>;
  /** The status last sent and what the store answered, so normalisation never causes a write loop. */
  lastSent?: PodStatus;
  lastStored?: PodStatus;
  /** The status of an `updateStatus` call in flight: its echo in the informer is expected. */
  writing?: PodStatus;
  /** An echo of this pass's own status write was not turned into another pass (see `isOwnEcho`). */
  echoSkipped?: boolean;
  /** The stored status the echo of `writing` carried (found equal to it): spares comparing again. */
  echoed?: { readonly sent: PodStatus; readonly stored: PodStatus | undefined };
}

function defaultAddress(runtime: ContainerRuntime, nodeName: string): string {
  if (runtime.name === 'process') return '127.0.0.1';
  let h = 0x811c9dc5;
  for (let i = 0; i < nodeName.length; i++) h = Math.imul(h ^ nodeName.charCodeAt(i), 0x01000193) >>> 0;
  return `10.255.${(h >>> 8) & 255}.${(h & 255) % 254 || 1}`;
}

const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** True when `a` is an older version of the same object than `b` (integer resourceVersions, as every store here uses). */
function isOlder(a: Pod, b: Pod): boolean {
  const x = a.metadata?.resourceVersion;
  const y = b.metadata?.resourceVersion;
  if (a.metadata?.uid !== b.metadata?.uid || !x || !y) return false;
  return compareResourceVersions(x, y) === -1;
}

/**
 * True for the informer's echo of a status write this agent has in flight for the pod: only the
 * status changed, to what is being written. Like the kubelet, which does not sync a pod again for a
 * status-only update, the agent then needs no new pass — the pass making the write already has this
 * state, and checks at its end whether another pass would act (`echoSkipped`).
 */
function isOwnEcho(event: InformerEvent<Pod>, record: PodRecord): boolean {
  if (event.type !== 'MODIFIED' || record.writing === undefined || event.oldObject === undefined)
    return false;
  const before = event.oldObject;
  const after = event.object;
  return (
    deepEqual(after.status, record.writing) &&
    deepEqualIgnoring(before, after, isStatusOrMetadata) &&
    deepEqualIgnoring(before.metadata ?? {}, after.metadata ?? {}, isResourceVersion)
  );
}

const isStatusOrMetadata = (key: string) => key === 'status' || key === 'metadata';
const isResourceVersion = (key: string) => key === 'resourceVersion';

/** A sandbox's containers by name, latest attempt first. */
function instancesByName(listed: readonly ContainerStatus[]): Map<string, ContainerStatus[]> {
  const byName = new Map<string, ContainerStatus[]>();
  for (const s of listed) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  for (const list of byName.values()) list.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
  return byName;
}

const containersOf = (pod: Pod): Container[] => [
  ...(pod.spec?.initContainers ?? []),
  ...(pod.spec?.containers ?? []),
];

/**
 * Creates a node agent — Flotilla's kubelet. See the package documentation for its contract; in short,
 * each pod bound to the node is synced through a work queue (one pass at a time per pod, any number of
 * pods at once): observe the runtime, ask `computePodActions` what to do, do it, and write
 * `computePodStatus` back when it changed.
 */
export function createAgent(options: AgentOptions): Agent {
  return new NodeAgent(options);
}

class NodeAgent implements Agent {
  readonly nodeName: string;
  private readonly client: Client;
  private readonly runtime: ContainerRuntime;
  private readonly clock: Clock;
  private readonly desc: NodeDescription;
  private readonly factory: SharedInformerFactory;
  private readonly ownFactory: boolean;
  private readonly queue: WorkQueue<string>;
  private readonly records = new Map<string, PodRecord>();
  private readonly byKey = new Map<string, string>();
  private readonly bySandbox = new Map<string, string>();
  private readonly subscriptions: Subscription[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private informer: Informer<Pod> | undefined;
  private resyncTimer: TimerHandle | undefined;
  private readonly resyncClock: Clock;
  private readonly heartbeat: NodeHeartbeat;
  /** Sandboxes of this node found running at start (an agent restart), by pod uid, until their pod shows up. */
  private readonly adoptable = new Map<string, PodSandboxStatus>();
  private running = false;
  private dead = false;
  private stopped = false;
  private readonly counters = {
    syncs: 0,
    statusWrites: 0,
    conflicts: 0,
    containersStarted: 0,
  };

  constructor(private readonly options: AgentOptions) {
    this.nodeName = options.nodeName;
    this.client = options.client;
    this.runtime = options.runtime;
    this.clock = options.clock;
    this.desc = {
      nodeName: options.nodeName,
      capacity: { ...DEFAULT_CAPACITY, ...options.capacity },
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.taints ? { taints: options.taints } : {}),
      address: options.address ?? defaultAddress(options.runtime, options.nodeName),
      runtimeName: options.runtime.name,
    };
    this.ownFactory = options.informers === undefined;
    this.factory = options.informers ?? new SharedInformerFactory(options.client, { clock: options.clock });
    this.queue = new WorkQueue<string>({ clock: options.clock });
    this.resyncClock = options.laneClocks?.resync ?? options.clock;
    this.heartbeat = new NodeHeartbeat({
      client: options.client,
      clock: options.laneClocks?.heartbeat ?? options.clock,
      ...(options.laneClocks?.heartbeat ? { catchUpMissedBeats: true } : {}),
      node: this.desc,
      ...(options.heartbeatIntervalMs === undefined ? {} : { intervalMs: options.heartbeatIntervalMs }),
      ...(options.leaseDurationSeconds === undefined
        ? {}
        : { leaseDurationSeconds: options.leaseDurationSeconds }),
      ...(options.nodeStatusUpdateMs === undefined ? {} : { nodeStatusUpdateMs: options.nodeStatusUpdateMs }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.queue.inFlight === 0;
  }

  get delayed(): number {
    return this.queue.delayed;
  }

  get podCount(): number {
    return this.records.size;
  }

  get stats(): AgentStats {
    return {
      ...this.counters,
      leaseRenewals: this.heartbeat.leaseRenewals,
      nodeStatusWrites: this.heartbeat.nodeStatusWrites,
    };
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running || this.dead) return;
    this.running = true;
    await this.heartbeat.start();
    // A restarted agent adopts the sandboxes (and containers) it left running.
    for (const s of await this.runtime.listPodSandboxes({
      state: 'SANDBOX_READY',
      labels: { [NODE_LABEL]: this.nodeName },
    })) {
      this.adoptable.set(s.uid, s);
    }
    const informer = this.factory.informerFor('v1', 'Pod', {
      fieldSelector: `spec.nodeName=${this.nodeName}`,
    });
    this.informer = informer;
    this.subscriptions.push(
      informer.events$.subscribe((event) => {
        const pod = event.object;
        const uid = pod.metadata?.uid;
        if (!uid) return;
        if (event.type !== 'DELETED' && !this.records.has(uid)) this.track(pod, uid);
        const record = this.records.get(uid);
        if (record === undefined) return;
        if (event.type !== 'DELETED' && !isOlder(pod, record.pod)) record.pod = pod;
        if (isOwnEcho(event, record)) {
          record.echoSkipped = true;
          record.echoed = { sent: record.writing as PodStatus, stored: pod.status };
          return;
        }
        this.queue.add(uid);
      }),
      this.runtime.events$.subscribe((event) => {
        const uid = this.bySandbox.get(event.sandboxId);
        if (uid !== undefined) this.queue.add(uid);
      }),
    );
    if (this.ownFactory) this.factory.start();
    else informer.start();
    const resyncMs = this.options.resyncIntervalMs ?? 60_000;
    if (resyncMs > 0)
      this.scheduleResync(this.options.random ? this.options.random.next() * resyncMs : resyncMs);
    void this.loop();
    await informer.whenSynced();
    // Sandboxes whose pod is gone (deleted while no agent ran): stop and remove them.
    const orphans = [...this.adoptable.values()];
    this.adoptable.clear();
    for (const s of orphans) {
      await this.runtime.stopPodSandbox(s.id, 0);
      await this.runtime.removePodSandbox(s.id);
    }
  }

  async stop(options: AgentStopOptions = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.halt(); // also after crash(): the containers it left are stopped all the same
    // Syncs in flight finish first (tracked here: WorkQueue.shutDownWithDrain never resolves when a key
    // in flight was re-added before `done`).
    await Promise.all(this.inflight);
    const grace = options.gracePeriodSeconds ?? 0;
    await Promise.all(
      [...this.records.values()].map(async (record) => {
        if (!options.keepContainers && record.sandboxId) {
          await this.runtime.stopPodSandbox(record.sandboxId, grace).catch(() => undefined);
          await this.runtime.removePodSandbox(record.sandboxId).catch(() => undefined);
        }
        if (options.deletePods) {
          await this.pods(record.namespace)
            .delete(record.name, { gracePeriodSeconds: 0, preconditions: { uid: record.uid } })
            .catch(() => undefined);
        }
      }),
    );
    this.records.clear();
    this.byKey.clear();
    this.bySandbox.clear();
  }

  crash(): void {
    this.halt();
  }

  pauseHeartbeats(): void {
    this.heartbeat.paused = true;
  }

  resumeHeartbeats(): void {
    this.heartbeat.paused = false;
  }

  private halt(): void {
    if (this.dead) return;
    this.dead = true;
    this.running = false;
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    this.heartbeat.stop();
    if (this.resyncTimer !== undefined) this.resyncClock.clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    for (const record of this.records.values())
      for (const c of record.containers.values()) this.stopProbes(c);
    this.queue.shutDown();
    if (this.ownFactory) this.factory.stop();
  }

  private scheduleResync(ms: number): void {
    if (!this.running) return;
    const due = this.resyncClock.now() + ms;
    this.resyncTimer = this.resyncClock.setTimeout(() => {
      this.resyncTimer = undefined;
      for (const uid of this.records.keys()) this.queue.add(uid);
      const every = this.options.resyncIntervalMs ?? 60_000;
      if (this.options.laneClocks?.resync === undefined) {
        this.scheduleResync(every);
        return;
      }
      // On a lane that may be held (and fired late): keep the cadence of the slots it missed.
      const now = this.resyncClock.now();
      this.scheduleResync(due + (Math.floor((now - due) / every) + 1) * every - now);
    }, ms);
  }

  // ---- pod syncing -------------------------------------------------------------------------------

  private pods(namespace: string) {
    return this.client.resource('v1', 'Pod').namespace(namespace);
  }

  private track(pod: Pod, uid: string): PodRecord {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const record: PodRecord = {
      uid,
      key: podKey(namespace, name),
      namespace,
      name,
      pod,
      sandboxReady: false,
      containers: new Map(),
      killed: new Map(),
    };
    const adopted = this.adoptable.get(uid);
    if (adopted !== undefined) {
      this.adoptable.delete(uid);
      record.sandboxId = adopted.id;
      record.sandboxIp = adopted.ip;
      record.sandboxReady = true;
      const started = parseRFC3339(pod.status?.startTime ?? '');
      if (started !== undefined) record.startTime = started;
      this.bySandbox.set(adopted.id, uid);
    }
    this.records.set(uid, record);
    this.byKey.set(record.key, uid);
    return record;
  }

  private forgetRecord(record: PodRecord): void {
    for (const c of record.containers.values()) this.stopProbes(c);
    this.records.delete(record.uid);
    if (this.byKey.get(record.key) === record.uid) this.byKey.delete(record.key);
    if (record.sandboxId) this.bySandbox.delete(record.sandboxId);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const uid = await this.queue.get();
      if (uid === undefined) return;
      const pass = this.process(uid);
      this.inflight.add(pass);
      void pass.finally(() => this.inflight.delete(pass));
    }
  }

  private async process(uid: string): Promise<void> {
    try {
      const requeueAfter = await this.sync(uid);
      this.queue.forget(uid);
      if (requeueAfter !== undefined) this.queue.addAfter(uid, requeueAfter);
    } catch (error) {
      if (isConflict(error)) this.counters.conflicts++;
      else if (!this.dead) this.options.onError?.(error, `pod ${this.records.get(uid)?.key ?? uid}`);
      if (!this.dead) this.queue.addRateLimited(uid);
    } finally {
      // A pass that ended before its own check (an error, a removal): its skipped echoes ask for the
      // pass they would have asked for.
      const record = this.records.get(uid);
      if (record?.echoSkipped) {
        record.echoSkipped = false;
        this.queue.add(uid);
      }
      this.queue.done(uid);
    }
  }

  private container(record: PodRecord, name: string): ShellContainer {
    let c = record.containers.get(name);
    if (c === undefined) {
      c = { workers: [] };
      record.containers.set(name, c);
    }
    return c;
  }

  /** Reads the pod's containers from the runtime: the latest two instances per name; older ones are removed. */
  private async refresh(record: PodRecord): Promise<void> {
    const sandboxId = record.sandboxId;
    const listed = sandboxId === undefined ? [] : await this.runtime.listContainers({ sandboxId });
    // From here on synchronous: no other pass (nor logs/exec) ever sees a half-refreshed pod.
    for (const c of record.containers.values()) {
      c.current = undefined;
      c.previous = undefined;
    }
    const withKill = (s: ContainerStatus | undefined) => {
      const message = s && s.state === 'EXITED' ? record.killed.get(s.id) : undefined;
      return message === undefined ? s : { ...s!, message };
    };
    const stale: string[] = [];
    for (const [name, list] of instancesByName(listed)) {
      const c = this.container(record, name);
      c.current = withKill(list[0]);
      c.previous = withKill(list[1]);
      for (const old of list.slice(2)) stale.push(old.id);
    }
    for (const id of stale) {
      record.killed.delete(id);
      await this.runtime.removeContainer(id);
    }
  }

  private view(record: PodRecord): PodRuntimeState {
    // Built by assignment (not conditional spreads, which allocate a throwaway object per field):
    // this runs several times per sync of every pod. Same keys, same order.
    const containers = new Map<string, ContainerView>();
    for (const [name, c] of record.containers) {
      const v: Mutable<ContainerView> = {};
      if (c.current) v.current = c.current;
      if (c.previous) v.previous = c.previous;
      if (c.backoff) v.backoff = c.backoff;
      if (c.failure) v.failure = c.failure;
      if (c.probe && c.current && c.probeFor === c.current.id) v.probe = c.probe;
      containers.set(name, v);
    }
    const state: Mutable<PodRuntimeState> = { hostIP: this.desc.address, containers };
    if (record.sandboxId && record.sandboxIp !== undefined)
      state.sandbox = { id: record.sandboxId, ip: record.sandboxIp, ready: record.sandboxReady };
    if (record.startTime !== undefined) state.startTime = record.startTime;
    return state;
  }

  /** One pass for one pod; returns when to look again. */
  private async sync(uid: string): Promise<number | undefined> {
    const record = this.records.get(uid);
    if (record === undefined || this.dead) return undefined;
    this.counters.syncs++;
    const listed = this.informer?.lister().get(record.namespace, record.name);
    const vanished = listed === undefined || listed.metadata?.uid !== uid;
    // The informer may not have delivered our own last write yet: keep whichever object is newer.
    if (!vanished && !isOlder(listed, record.pod)) record.pod = listed;
    const pod = record.pod;
    if (!vanished && record.startTime === undefined && !isTerminalPhase(pod.status?.phase)) {
      record.startTime = this.clock.now();
    }
    await this.refresh(record);
    const plan = computePodActions(pod, this.view(record), { now: this.clock.now(), vanished });
    let requeueAfter = plan.requeueAfter;
    let changed = false;
    for (const action of plan.actions) {
      if (action.type === 'removePod') {
        await this.removePod(record, action.deleteObject);
        return undefined;
      }
      if (await this.execute(record, pod, action)) {
        requeueAfter = Math.min(requeueAfter ?? FAILURE_RESYNC_MS, FAILURE_RESYNC_MS);
      }
      changed = true;
      // As the kubelet: a new pod is reported (Pending, ContainerCreating, its IP) before containers start.
      if (action.type === 'createSandbox' && !vanished) await this.writeStatus(record, record.pod);
    }
    if (changed) await this.refresh(record);
    this.manageProbes(record, pod);
    if (!vanished) await this.writeStatus(record, record.pod);
    if (record.echoSkipped) {
      // The echoes of this pass's status writes did not queue another pass, which would only have
      // acted if the state this pass left calls for more: ask for it then, and for its requeue.
      record.echoSkipped = false;
      const next = computePodActions(record.pod, this.view(record), { now: this.clock.now(), vanished });
      if (next.actions.length > 0) this.queue.add(uid);
      if (next.requeueAfter !== undefined)
        requeueAfter = Math.min(requeueAfter ?? next.requeueAfter, next.requeueAfter);
    }
    return requeueAfter;
  }

  /** Executes one action; true when an attempt failed (report it now, look again shortly). */
  private async execute(record: PodRecord, pod: Pod, action: PodAction): Promise<boolean> {
    switch (action.type) {
      case 'createSandbox': {
        const config = podSandboxConfig(pod);
        const id = await this.runtime.runPodSandbox({
          ...config,
          labels: { ...config.labels, [NODE_LABEL]: this.nodeName },
        });
        const status = await this.runtime.podSandboxStatus(id);
        record.sandboxId = id;
        record.sandboxIp = status.ip;
        record.sandboxReady = true;
        this.bySandbox.set(id, record.uid);
        return false;
      }
      case 'startContainer':
        return this.startContainer(record, pod, action.name, action.attempt, action.backoff);
      case 'killContainer': {
        const c = this.container(record, action.name);
        record.killed.set(action.containerId, action.message);
        this.stopProbes(c);
        c.probe = undefined;
        await this.runtime.stopContainer(action.containerId, action.gracePeriodSeconds);
        return false;
      }
      case 'killPod': {
        for (const c of record.containers.values()) this.stopProbes(c);
        record.sandboxReady = false;
        if (record.sandboxId) await this.runtime.stopPodSandbox(record.sandboxId, action.gracePeriodSeconds);
        return false;
      }
      case 'removePod':
        return false;
    }
  }

  private async startContainer(
    record: PodRecord,
    pod: Pod,
    name: string,
    attempt: number,
    backoff: BackoffEntry | undefined,
  ): Promise<boolean> {
    const spec = containersOf(pod).find((c) => c.name === name);
    const sandboxId = record.sandboxId;
    if (spec === undefined || sandboxId === undefined) return false;
    const c = this.container(record, name);
    if (backoff) c.backoff = backoff;
    const now = this.clock.now();
    const fail = (reason: string, message: string) => {
      c.failure = {
        reason,
        message,
        at: now,
        backoff: nextBackoff(IMAGE_PULL_BACKOFF, c.failure?.backoff, now),
      };
      return true;
    };
    let id: string;
    try {
      const config = containerConfig(pod, spec, {
        attempt,
        ...(record.sandboxIp ? { podIP: record.sandboxIp } : {}),
        hostIP: this.desc.address,
        nodeName: this.nodeName,
      });
      id = await this.runtime.createContainer(sandboxId, config);
    } catch (error) {
      if (isRuntimeError(error, 'AlreadyExists')) return false; // a start in flight elsewhere: observe it
      if (isRuntimeError(error) && error.reason !== 'Closed' && error.reason !== 'NotFound') {
        const reason =
          error.reason === 'ErrImagePull' || error.reason === 'CreateContainerConfigError'
            ? error.reason
            : 'CreateContainerError';
        return fail(reason, error.message);
      }
      throw error;
    }
    c.failure = undefined;
    this.counters.containersStarted++;
    try {
      await this.runtime.startContainer(id);
    } catch (error) {
      // RunContainerError leaves the container EXITED (StartError): the crash loop takes it from here.
      if (!isRuntimeError(error, 'RunContainerError') && !isRuntimeError(error, 'InvalidState')) throw error;
    }
    return false;
  }

  private async removePod(record: PodRecord, deleteObject: boolean): Promise<void> {
    await this.refresh(record);
    if (deleteObject) {
      await this.writeStatus(record, record.pod).catch((error: unknown) => {
        if (!isConflict(error) && !isNotFound(error)) throw error;
      });
    }
    if (record.sandboxId) await this.runtime.removePodSandbox(record.sandboxId);
    if (deleteObject) {
      try {
        await this.pods(record.namespace).delete(record.name, {
          gracePeriodSeconds: 0,
          preconditions: { uid: record.uid },
        });
      } catch (error) {
        if (!isNotFound(error) && !isConflict(error)) throw error; // retried: the record stays
      }
    }
    this.forgetRecord(record);
  }

  private async writeStatus(record: PodRecord, pod: Pod): Promise<void> {
    // A pod that ended before this agent knew it: its status is history we cannot improve on.
    if (isTerminalPhase(pod.status?.phase) && record.sandboxId === undefined) return;
    const status = computePodStatus(pod, this.view(record), { now: this.clock.now() });
    if (deepEqual(status, pod.status)) return;
    if (record.lastSent && deepEqual(status, record.lastSent) && deepEqual(pod.status, record.lastStored))
      return;
    try {
      record.writing = status;
      const written = await this.pods(record.namespace).updateStatus({ ...pod, status });
      this.counters.statusWrites++;
      // The stored status is usually what was sent: then keep that one copy (it shares its unchanged
      // parts with the pod's earlier versions) rather than a second tree per pod. The echo, when it
      // came first, already compared them.
      const echoed = record.echoed;
      const same =
        (echoed?.sent === status && echoed.stored === written.status) || deepEqual(status, written.status);
      record.lastSent = same ? (written.status ?? status) : status;
      record.lastStored = written.status;
      if (this.records.get(record.uid) === record) record.pod = written;
    } catch (error) {
      if (isNotFound(error)) return; // gone: the DELETED event follows
      throw error;
    } finally {
      record.writing = undefined;
      record.echoed = undefined;
    }
  }

  // ---- probes ------------------------------------------------------------------------------------

  private stopProbes(c: ShellContainer): void {
    for (const w of c.workers.splice(0)) w.stop();
  }

  private withDefaults(probe: Probe | undefined): Probe | undefined {
    if (probe === undefined) return undefined;
    const d = this.options.probeDefaults;
    return d ? { ...d, ...probe } : probe;
  }

  /** Starts probe workers for newly running instances and stops those of instances that stopped. */
  private manageProbes(record: PodRecord, pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return;
    for (const spec of containersOf(pod)) {
      const c = record.containers.get(spec.name);
      if (c === undefined) continue;
      const current = c.current;
      if (current?.state !== 'RUNNING') {
        this.stopProbes(c);
        continue;
      }
      if (c.probeFor === current.id) continue;
      this.stopProbes(c);
      c.probeFor = current.id;
      c.probe = initialProbeState(spec);
      const probes: [ProbeKind, Probe | undefined][] = [
        ['startup', this.withDefaults(spec.startupProbe)],
        ['liveness', this.withDefaults(spec.livenessProbe)],
        ['readiness', this.withDefaults(spec.readinessProbe)],
      ];
      const instance = current.id;
      for (const [kind, probe] of probes) {
        if (probe === undefined) continue;
        const worker = new ProbeWorker({
          clock: this.clock,
          runtime: this.runtime,
          containerId: instance,
          kind,
          probe,
          startedAt: current.startedAt ?? this.clock.now(),
          isStarted: () => c.probeFor === instance && (c.probe?.started ?? false),
          onResult: (k, success, message) => {
            if (c.probeFor !== instance || c.probe === undefined) return;
            const probeName = k === 'startup' ? 'startup' : 'liveness';
            if (k === 'readiness') c.probe = { ...c.probe, ready: success };
            else if (k === 'startup' && success) c.probe = { ...c.probe, started: true };
            else if (!success) {
              c.probe = {
                ...c.probe,
                unhealthy:
                  `Container ${spec.name} failed ${probeName} probe, will be restarted: ${message}`.trim(),
              };
            }
            this.queue.add(record.uid);
          },
        });
        c.workers.push(worker);
        worker.start();
      }
    }
  }

  // ---- logs and exec -----------------------------------------------------------------------------

  private async instanceOf(
    namespace: string,
    pod: string,
    container: string,
    previous: boolean,
  ): Promise<ContainerStatus> {
    const uid = this.byKey.get(podKey(namespace, pod));
    const record = uid === undefined ? undefined : this.records.get(uid);
    if (record === undefined) throw ApiError.notFound({ group: '', resource: 'pods' }, pod);
    if (!containersOf(record.pod).some((c) => c.name === container)) {
      throw ApiError.badRequest(`container ${container} is not valid for pod ${pod}`);
    }
    const listed = record.sandboxId ? await this.runtime.listContainers({ sandboxId: record.sandboxId }) : [];
    const instances = instancesByName(listed).get(container) ?? [];
    const found = previous ? instances[1] : instances[0];
    if (found === undefined) {
      throw ApiError.badRequest(
        previous
          ? `previous terminated container "${container}" in pod "${pod}" not found`
          : `container "${container}" in pod "${pod}" is waiting to start`,
      );
    }
    return found;
  }

  logs(
    namespace: string,
    pod: string,
    container: string,
    options: AgentLogOptions = {},
  ): AsyncIterable<LogEntry> {
    const self = this;
    const { previous = false, ...rest } = options;
    return {
      async *[Symbol.asyncIterator]() {
        const instance = await self.instanceOf(namespace, pod, container, previous);
        yield* self.runtime.logs(instance.id, rest);
      },
    };
  }

  async exec(
    namespace: string,
    pod: string,
    container: string,
    cmd: readonly string[],
    options?: ExecOptions,
  ): Promise<ExecResult> {
    const instance = await this.instanceOf(namespace, pod, container, false);
    if (instance.state !== 'RUNNING') {
      throw ApiError.badRequest(`container ${container} is not running in pod ${pod}`);
    }
    return this.runtime.exec(instance.id, cmd, options);
  }
}
