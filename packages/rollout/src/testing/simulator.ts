/**
 * A tiny deterministic cluster for tests: a store of one Deployment and its ReplicaSets that applies
 * plan actions with optimistic concurrency, and a ReplicaSet "controller" whose pods become ready
 * after seeded random delays (or never, for templates marked broken) and available `minReadySeconds`
 * later. Scaling down removes not-available pods first, as Kubernetes' ReplicaSet controller does.
 */
import type { RolloutAction } from '../actions.js';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../shapes.js';
import { formatTime } from '../time.js';

interface Pod {
  readonly createdAt: number;
  /** When the pod turns ready; `Infinity` for a pod that never does. */
  readonly readyAt: number;
}

export interface SimulatorOptions {
  readonly seed: number;
  /** Longest delay before a new pod is ready, ms. */
  readonly maxReadyDelayMs?: number;
  /** Decides whether pods of a template never become ready. */
  readonly isBroken?: (template: PodTemplateSpec | undefined) => boolean;
  /** Start time, epoch ms. */
  readonly start?: number;
}

/** mulberry32: a small seeded PRNG, enough for test delays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Simulator {
  now: number;
  deployment: Deployment;
  private readonly replicaSets = new Map<string, ReplicaSet>();
  private readonly pods = new Map<string, Pod[]>();
  private version = 1;
  private uids = 0;
  private readonly random: () => number;
  private readonly maxReadyDelayMs: number;
  private readonly isBroken: (template: PodTemplateSpec | undefined) => boolean;
  /** Every write rejected for a stale resourceVersion or a failed precondition. */
  conflicts = 0;

  constructor(deployment: Deployment, options: SimulatorOptions) {
    this.now = options.start ?? Date.UTC(2024, 0, 1);
    this.random = prng(options.seed);
    this.maxReadyDelayMs = options.maxReadyDelayMs ?? 4000;
    this.isBroken = options.isBroken ?? (() => false);
    this.deployment = {
      ...deployment,
      metadata: {
        name: 'web',
        namespace: 'default',
        ...deployment.metadata,
        uid: 'uid-deployment',
        generation: 1,
        resourceVersion: this.nextVersion(),
      },
    };
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }

  /** The ReplicaSets, in creation order. */
  get ownedReplicaSets(): ReplicaSet[] {
    return [...this.replicaSets.values()];
  }

  /** A user edit of the Deployment's spec (bumps generation, like the API server). */
  updateSpec(change: (spec: NonNullable<Deployment['spec']>) => NonNullable<Deployment['spec']>): void {
    const meta = this.deployment.metadata!;
    this.deployment = {
      ...this.deployment,
      metadata: { ...meta, generation: (meta.generation ?? 0) + 1, resourceVersion: this.nextVersion() },
      spec: change(this.deployment.spec!),
    };
  }

  /** Applies actions in order; a stale one is skipped (Conflict) and counted. */
  apply(actions: readonly RolloutAction[]): void {
    for (const action of actions) this.applyOne(action);
  }

  private applyOne(action: RolloutAction): void {
    switch (action.type) {
      case 'createReplicaSet': {
        const name = action.replicaSet.metadata!.name!;
        if (this.replicaSets.has(name)) {
          this.conflicts++;
          return;
        }
        this.uids += 1;
        this.replicaSets.set(name, {
          ...action.replicaSet,
          metadata: {
            ...action.replicaSet.metadata,
            uid: `uid-rs-${this.uids}`,
            generation: 1,
            resourceVersion: this.nextVersion(),
            creationTimestamp: formatTime(this.now),
          },
          status: { replicas: 0 },
        });
        this.pods.set(name, []);
        return;
      }
      case 'scaleReplicaSet':
      case 'updateReplicaSet': {
        const rs = this.replicaSets.get(action.name);
        if (rs === undefined || rs.metadata?.resourceVersion !== action.resourceVersion) {
          this.conflicts++;
          return;
        }
        const spec = { ...rs.spec!, selector: rs.spec!.selector };
        if (action.type === 'scaleReplicaSet') spec.replicas = action.replicas;
        if (action.minReadySeconds !== undefined) spec.minReadySeconds = action.minReadySeconds;
        this.replicaSets.set(action.name, {
          ...rs,
          metadata: {
            ...rs.metadata,
            annotations: { ...rs.metadata?.annotations, ...action.annotations },
            generation: (rs.metadata?.generation ?? 0) + 1,
            resourceVersion: this.nextVersion(),
          },
          spec,
        });
        return;
      }
      case 'deleteReplicaSet': {
        const rs = this.replicaSets.get(action.name);
        if (
          rs === undefined ||
          rs.metadata?.uid !== action.preconditions.uid ||
          rs.metadata?.resourceVersion !== action.preconditions.resourceVersion
        ) {
          this.conflicts++;
          return;
        }
        this.replicaSets.delete(action.name);
        this.pods.delete(action.name);
        return;
      }
      case 'updateDeploymentStatus': {
        const meta = this.deployment.metadata!;
        if (meta.resourceVersion !== action.resourceVersion) {
          this.conflicts++;
          return;
        }
        this.deployment = {
          ...this.deployment,
          metadata: {
            ...meta,
            annotations: { ...meta.annotations, ...action.annotations },
            resourceVersion: this.nextVersion(),
          },
          status: action.status,
        };
        return;
      }
      case 'rollbackTemplate': {
        const meta = this.deployment.metadata!;
        if (meta.resourceVersion !== action.resourceVersion) {
          this.conflicts++;
          return;
        }
        this.deployment = {
          ...this.deployment,
          metadata: {
            ...meta,
            annotations: { ...action.annotations },
            generation: (meta.generation ?? 0) + 1,
            resourceVersion: this.nextVersion(),
          },
          spec: { ...this.deployment.spec!, template: action.template },
        };
        return;
      }
    }
  }

  private isAvailable(pod: Pod, minReadySeconds: number): boolean {
    return pod.readyAt + minReadySeconds * 1000 <= this.now;
  }

  /** Moves time forward and lets the ReplicaSet controller converge pods and report status. */
  advance(ms: number): void {
    this.now += ms;
    for (const [name, rs] of this.replicaSets) {
      const minReady = rs.spec?.minReadySeconds ?? 0;
      const desired = rs.spec?.replicas ?? 1;
      let pods = this.pods.get(name) ?? [];
      const broken = this.isBroken(rs.spec?.template);
      while (pods.length < desired) {
        const delay = Math.floor(this.random() * this.maxReadyDelayMs);
        pods.push({ createdAt: this.now, readyAt: broken ? Number.POSITIVE_INFINITY : this.now + delay });
      }
      if (pods.length > desired) {
        // Not-available pods go first; among equals the newest.
        const ranked = pods
          .map((pod, i) => ({ pod, i }))
          .sort((a, b) => {
            const availA = this.isAvailable(a.pod, minReady) ? 1 : 0;
            const availB = this.isAvailable(b.pod, minReady) ? 1 : 0;
            return availA - availB || b.pod.createdAt - a.pod.createdAt || b.i - a.i;
          });
        const doomed = new Set(ranked.slice(0, pods.length - desired).map((r) => r.pod));
        pods = pods.filter((pod) => !doomed.has(pod));
      }
      this.pods.set(name, pods);
      const ready = pods.filter((pod) => pod.readyAt <= this.now).length;
      const available = pods.filter((pod) => this.isAvailable(pod, minReady)).length;
      this.replicaSets.set(name, {
        ...rs,
        status: {
          replicas: pods.length,
          ...(ready > 0 ? { readyReplicas: ready } : {}),
          ...(available > 0 ? { availableReplicas: available } : {}),
          observedGeneration: rs.metadata?.generation ?? 0,
        },
      });
    }
  }

  /** True when every pod of every ReplicaSet is available and counts match specs. */
  settled(): boolean {
    for (const rs of this.replicaSets.values()) {
      const desired = rs.spec?.replicas ?? 1;
      if ((rs.status?.replicas ?? 0) !== desired || (rs.status?.availableReplicas ?? 0) !== desired)
        return false;
      if ((rs.status?.observedGeneration ?? 0) !== (rs.metadata?.generation ?? 0)) return false;
    }
    return true;
  }
}
