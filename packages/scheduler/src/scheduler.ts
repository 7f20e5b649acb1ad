import { isConflict, isNotFound, type Node, type Pod } from '@flotilla/api';
import {
  type Client,
  EventRecorder,
  type Informer,
  type InformerEvent,
  type SharedInformerFactory,
} from '@flotilla/client';
import { type Clock, createRandom, type Random, type TimerHandle, toRFC3339 } from '@flotilla/clock';
import type { Subscription } from 'rxjs';
import {
  nodeInputFromNode,
  type PodInputSource,
  podInputFromPod,
  podInputSource,
  samePodInput,
} from './adapters.js';
import type { Profile } from './framework.js';
import { compilePod, type PodInfo } from './pod-info.js';
import { preempt } from './preemption.js';
import { type BuiltinProfileName, builtinProfile } from './profiles.js';
import { SchedulingQueue } from './queue.js';
import { schedule } from './schedule.js';
import { ClusterSnapshot } from './snapshot.js';

/** Kubernetes' `DefaultPodMaxInUnschedulablePodsDuration`: parked pods are retried at least this often. */
export const MAX_UNSCHEDULABLE_PARK_MS = 5 * 60 * 1000;

export interface SchedulerOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  /** A profile, or the name of a built-in one (default `spread`). */
  readonly profile?: Profile | BuiltinProfileName;
  /** Pods whose `spec.schedulerName` is this are ours (default `default-scheduler`). */
  readonly schedulerName?: string;
  /** Seed of the tie-breaking randomness (default 0): same seed, same placements. */
  readonly seed?: number;
  /** Let higher-priority pods evict lower-priority ones (default true). */
  readonly preemption?: boolean;
  /** Bindings in flight at once; the scheduling cycle does not wait for them (default 64). */
  readonly maxInFlightBindings?: number;
  /** Record `Scheduled` / `FailedScheduling` Events (default true; a large simulation may turn them off). */
  readonly events?: boolean;
  readonly onError?: (error: unknown, pod: { namespace: string; name: string }) => void;
}

interface Parked {
  pod: Pod;
  attempts: number;
  readyAt: number;
  parkedAt: number;
  /** Set when the cluster changed after the pod was parked: it may fit now. */
  moveRequested: boolean;
}

const podKey = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * The scheduling loop: informers feed a `ClusterSnapshot` and a priority queue of unbound pods; one
 * scheduling cycle at a time picks a node with the pure `schedule`, assumes the pod on it at once, and
 * binds it through the client without waiting (bindings run concurrently, as in Kubernetes).
 *
 * - Unschedulable pods are parked with back-off (1 s doubling to 10 s) and moved back when the cluster
 *   changes (a node added or updated, a pod deleted or finished), or after 5 minutes regardless.
 * - Binding creates a `v1/Binding` (Kubernetes' `pods/binding`) with the pod's uid as precondition:
 *   the store sets `spec.nodeName` and PodScheduled=True without re-defaulting or re-validating the
 *   pod; a pod bound meanwhile by someone else (or being deleted) is a Conflict and is not bound twice.
 * - Events `Scheduled` and `FailedScheduling` (`0/3 nodes are available: 3 Insufficient cpu.`), and the
 *   PodScheduled=False condition with reason Unschedulable, as `kubectl describe` shows them.
 * - A pod that fits nowhere may preempt lower-priority pods: the victims are deleted and the pod is
 *   nominated (`status.nominatedNodeName`); it is scheduled once they are gone.
 */
export class Scheduler {
  readonly snapshot = new ClusterSnapshot();
  private readonly queue: SchedulingQueue<Pod>;
  private readonly parked = new Map<string, Parked>();
  private readonly profile: Profile;
  private readonly random: Random;
  private readonly schedulerName: string;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly subscriptions: Subscription[] = [];
  /** What each pod bound in the snapshot was compiled from, by uid (to skip recompiling the same input). */
  private readonly sources = new Map<string, PodInputSource>();
  private inFlight = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: TimerHandle | undefined;
  private readonly recorder: EventRecorder;
  /** What the snapshot last took from each Node, to tell real changes from heartbeats. */
  private readonly nodeInputs = new Map<string, string>();
  private counts = { scheduled: 0, unschedulable: 0, bindFailures: 0, preemptions: 0 };

  constructor(private readonly options: SchedulerOptions) {
    this.queue = new SchedulingQueue<Pod>(options.clock);
    const p = options.profile ?? 'spread';
    this.profile = typeof p === 'string' ? builtinProfile(p) : p;
    this.random = createRandom(options.seed ?? 0);
    this.schedulerName = options.schedulerName ?? 'default-scheduler';
    this.recorder = new EventRecorder(options.client, options.clock, this.schedulerName);
    this.nodes = options.informers.informerFor('v1', 'Node');
    this.pods = options.informers.informerFor('v1', 'Pod');
  }

  get stats() {
    return { ...this.counts, pending: this.queue.size + this.parked.size };
  }

  /** True when no pod is ready to be scheduled and no binding is in flight (parked pods wait for changes). */
  get idle(): boolean {
    return this.queue.activeCount === 0 && this.inFlight === 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.subscriptions.push(this.nodes.events$.subscribe((e) => this.onNode(e)));
    this.subscriptions.push(this.pods.events$.subscribe((e) => this.onPod(e)));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
    await this.loop;
  }

  private onNode(e: InformerEvent<Node>): void {
    const name = e.object.metadata?.name ?? '';
    if (e.type === 'DELETED') {
      // Pods on a vanished node stay bound in the API; the node lifecycle controller deals with them.
      this.snapshot.removeNode(name);
      this.nodeInputs.delete(name);
      return;
    }
    let input: ReturnType<typeof nodeInputFromNode>;
    try {
      input = nodeInputFromNode(e.object);
    } catch (error) {
      this.options.onError?.(error, { namespace: '', name });
      return;
    }
    // Most node updates are heartbeats (lastHeartbeatTime): nothing a filter reads changed, so neither
    // the snapshot nor the parked pods need to hear about them.
    const signature = JSON.stringify(input);
    if (this.nodeInputs.get(name) === signature) return;
    this.nodeInputs.set(name, signature);
    this.snapshot.upsertNode(input);
    this.clusterChanged();
  }

  private onPod(e: InformerEvent<Pod>): void {
    const pod = e.object;
    const key = podKey(pod);
    const uid = pod.metadata?.uid ?? key;
    if (e.type === 'DELETED' || terminal(pod)) {
      this.queue.delete(key);
      this.parked.delete(key);
      this.sources.delete(uid);
      if (this.snapshot.unbind(uid)) this.clusterChanged();
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      this.queue.delete(key);
      this.parked.delete(key);
      // The binding of a pod we assumed, and a bound pod's status updates (several per pod), leave its
      // snapshot entry as it is when that entry was compiled from the same input.
      const source = this.sources.get(uid);
      if (this.snapshot.nodeOf(uid)?.name === nodeName && source !== undefined && samePodInput(source, pod))
        return;
      // (Re)bind in the snapshot: labels may have changed, or another scheduler bound it.
      this.unbindInSnapshot(uid);
      if (this.snapshot.node(nodeName)) this.bindInSnapshot(pod, this.compile(pod), nodeName);
      return;
    }
    if (
      (pod.spec?.schedulerName ?? 'default-scheduler') !== this.schedulerName ||
      pod.metadata?.deletionTimestamp
    )
      return;
    const parked = this.parked.get(key);
    if (parked) {
      // An update to the pod itself may make it schedulable: retry it once its back-off allows.
      parked.pod = pod;
      parked.moveRequested = true;
      this.requeueParked();
      return;
    }
    this.queue.add(key, pod, pod.spec?.priority ?? 0);
    this.wake?.();
  }

  private compile(pod: Pod): PodInfo {
    return compilePod(podInputFromPod(pod));
  }

  private bindInSnapshot(pod: Pod, info: PodInfo, nodeName: string): void {
    this.snapshot.bind(info, nodeName);
    this.sources.set(info.uid, podInputSource(pod));
  }

  private unbindInSnapshot(uid: string): void {
    this.snapshot.unbind(uid);
    this.sources.delete(uid);
  }

  /** A node appeared or changed, or room was freed: every parked pod may fit now. */
  private clusterChanged(): void {
    if (this.parked.size === 0) return;
    for (const p of this.parked.values()) p.moveRequested = true;
    this.requeueParked();
  }

  /** Moves parked pods whose back-off expired and that were asked to move (or waited 5 min) to the queue. */
  private requeueParked(): void {
    const now = this.options.clock.now();
    let next: number | undefined;
    for (const [key, p] of this.parked) {
      const due = p.moveRequested ? p.readyAt : Math.max(p.readyAt, p.parkedAt + MAX_UNSCHEDULABLE_PARK_MS);
      if (due <= now) {
        this.parked.delete(key);
        this.queue.add(key, p.pod, p.pod.spec?.priority ?? 0);
      } else next = Math.min(next ?? due, due);
    }
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (next !== undefined && this.running) {
      this.timer = this.options.clock.setTimeout(() => {
        this.timer = undefined;
        this.requeueParked();
      }, next - now);
    }
    this.wake?.();
  }

  private async run(): Promise<void> {
    let sinceYield = 0;
    while (this.running) {
      const next = this.queue.pop();
      if (next === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      this.scheduleOne(next.key, next.item, next.attempts);
      // Let informer events and bindings in: the loop itself never waits on I/O.
      if (++sinceYield >= 64 || this.inFlight >= (this.options.maxInFlightBindings ?? 64)) {
        sinceYield = 0;
        await Promise.resolve();
        while (this.running && this.inFlight >= (this.options.maxInFlightBindings ?? 64)) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = undefined;
        }
      }
    }
  }

  private scheduleOne(key: string, pod: Pod, attempts: number): void {
    let info: PodInfo;
    try {
      info = this.compile(pod);
    } catch (error) {
      this.options.onError?.(error, {
        namespace: pod.metadata?.namespace ?? '',
        name: pod.metadata?.name ?? '',
      });
      return;
    }
    const result = schedule(info, this.snapshot, this.profile, { random: this.random });
    if (result.kind === 'scheduled') {
      this.queue.forget(key);
      this.bindInSnapshot(pod, info, result.nodeName);
      this.counts.scheduled++;
      this.inFlight++;
      void this.bind(pod, info, result.nodeName).finally(() => {
        this.inFlight--;
        this.wake?.();
      });
      return;
    }
    this.counts.unschedulable++;
    let nominated: string | undefined;
    if (this.options.preemption !== false && info.priority > 0 && !result.error) {
      const p = preempt(info, this.snapshot, this.profile, result.diagnosis, { random: this.random });
      if (p) {
        nominated = p.nominatedNodeName;
        this.counts.preemptions++;
        void this.evict(pod, p.victims, p.nominatedNodeName);
      }
    }
    const now = this.options.clock.now();
    const n = attempts + 1;
    this.parked.set(key, {
      pod,
      attempts: n,
      readyAt: now + this.queue.backoffFor(n),
      parkedAt: now,
      moveRequested: false,
    });
    this.requeueParked();
    void this.reportUnschedulable(pod, result.message, nominated);
  }

  private async bind(pod: Pod, info: PodInfo, nodeName: string): Promise<void> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    try {
      // A Binding, as kube-scheduler sends: the API server assigns the Pod without defaulting or
      // validating it again, and refuses (Conflict) a Pod that is being deleted or already bound.
      await this.options.client
        .resource('v1', 'Binding')
        .namespace(namespace)
        .create({
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) },
          target: { kind: 'Node', name: nodeName },
        });
      if (this.options.events !== false) {
        await this.recorder.record(
          pod,
          'Normal',
          'Scheduled',
          `Successfully assigned ${namespace}/${name} to ${nodeName}`,
        );
      }
    } catch (error) {
      this.counts.bindFailures++;
      this.unbindInSnapshot(info.uid);
      if (isNotFound(error)) return;
      if (isConflict(error)) {
        // Changed meanwhile: the informer brings the new version (bound by someone else, or to retry).
        const fresh = this.pods.lister().get(namespace, name);
        if (fresh && !fresh.spec?.nodeName) this.queue.add(podKey(fresh), fresh, fresh.spec?.priority ?? 0);
        return;
      }
      this.options.onError?.(error, { namespace, name });
      this.queue.addUnschedulable(podKey(pod), pod, pod.spec?.priority ?? 0);
    }
  }

  private async evict(pod: Pod, victims: readonly PodInfo[], nodeName: string): Promise<void> {
    for (const v of victims) {
      // Read before deleting: the informer forgets the victim as soon as the delete lands.
      const victim = this.pods.lister().get(v.namespace, v.name);
      try {
        await this.options.client
          .resource('v1', 'Pod')
          .namespace(v.namespace)
          .delete(v.name, { preconditions: { uid: v.uid } });
        if (this.options.events !== false && victim) {
          const message = `Preempted by pod ${pod.metadata?.uid ?? ''} on node ${nodeName}`;
          await this.recorder.record(victim, 'Normal', 'Preempted', message);
        }
      } catch (error) {
        if (!isNotFound(error) && !isConflict(error))
          this.options.onError?.(error, { namespace: v.namespace, name: v.name });
      }
    }
  }

  private async reportUnschedulable(pod: Pod, message: string, nominated: string | undefined): Promise<void> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const api = this.options.client.resource('v1', 'Pod').namespace(namespace);
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const previous = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const unchanged =
      previous?.status === 'False' &&
      previous.message === message &&
      pod.status?.nominatedNodeName === nominated;
    try {
      if (!unchanged) {
        await api.patch(
          name,
          {
            status: {
              conditions: [
                ...conditions,
                {
                  type: 'PodScheduled',
                  status: 'False',
                  reason: 'Unschedulable',
                  message,
                  lastTransitionTime: toRFC3339(this.options.clock.now()),
                },
              ],
              ...(nominated ? { nominatedNodeName: nominated } : {}),
            },
          },
          { subresource: 'status' },
        );
      }
      if (this.options.events !== false)
        await this.recorder.record(pod, 'Warning', 'FailedScheduling', message);
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) this.options.onError?.(error, { namespace, name });
    }
  }
}
