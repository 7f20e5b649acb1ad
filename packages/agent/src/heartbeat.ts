import { isAlreadyExists, isConflict, isNotFound, type Lease, type Node } from '@flotilla/api';
import type { Client } from '@flotilla/client';
import type { Clock, Random, TimerHandle } from '@flotilla/clock';
import { leaseObject, NODE_LEASE_NAMESPACE, type NodeDescription, nodeObject, nodeStatus } from './node.js';

export interface NodeHeartbeatOptions {
  readonly client: Client;
  readonly clock: Clock;
  readonly node: NodeDescription;
  /** Lease renewal period (default 10 s). */
  readonly intervalMs?: number;
  /** `spec.leaseDurationSeconds` (default 40). */
  readonly leaseDurationSeconds?: number;
  /** Node status is rewritten at most this often (default 60 s). */
  readonly nodeStatusUpdateMs?: number;
  /** Spreads the first renewal over one interval. */
  readonly random?: Random;
  /**
   * For a clock whose timers may be held and fired late (a simulation's coalescing lane, see
   * `VirtualClock.holdLanes`): a beat that fires late renews as of the last interval it missed — the
   * Lease's `renewTime` and, when a status update fell due meanwhile, Ready's `lastHeartbeatTime`
   * carry the times the last skipped beats would have written — and the next beat keeps the cadence.
   * Default false: a late beat renews at the current time (what a real kubelet does).
   */
  readonly catchUpMissedBeats?: boolean;
  readonly onError?: (error: unknown, context: string) => void;
}

/**
 * A node's presence in the API, as the kubelet keeps it: the Node object (registered once, its status
 * rewritten at most every `nodeStatusUpdateMs` so that thousands of nodes write little) and the Lease
 * `kube-node-lease/<node>` renewed every `intervalMs` — the heartbeat the node lifecycle controller
 * watches. A Conflict or NotFound re-reads (or re-creates) the object on the next beat; nothing throws
 * after `start()`.
 */
export class NodeHeartbeat {
  leaseRenewals = 0;
  nodeStatusWrites = 0;
  /** While paused, nothing is renewed (a partition). */
  paused = false;
  private lease: Lease | undefined;
  private nodeObj: Node | undefined;
  private lastNodeStatusAt = 0;
  /** When the scheduled beat is due. */
  private nextBeatAt = 0;
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(private readonly options: NodeHeartbeatOptions) {}

  private get intervalMs(): number {
    return this.options.intervalMs ?? 10_000;
  }

  /** Registers (or refreshes) the Node and the Lease, then renews on the clock. */
  async start(): Promise<void> {
    this.running = true;
    await this.registerNode();
    await this.renewLease();
    const first = this.options.random ? this.options.random.next() * this.intervalMs : this.intervalMs;
    this.schedule(first);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async registerNode(): Promise<void> {
    const { client, clock, node } = this.options;
    const nodes = client.resource('v1', 'Node');
    const now = clock.now();
    try {
      this.nodeObj = await nodes.create(nodeObject(node, now));
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const existing = await nodes.get(node.nodeName);
      this.nodeObj = await nodes.updateStatus({
        ...existing,
        status: nodeStatus(node, now, existing.status),
      });
    }
    this.lastNodeStatusAt = now;
    this.nodeStatusWrites++;
  }

  private async renewLease(at = this.options.clock.now()): Promise<void> {
    const { client, node } = this.options;
    const leases = client.resource('coordination.k8s.io/v1', 'Lease').namespace(NODE_LEASE_NAMESPACE);
    const uid = this.nodeObj?.metadata?.uid;
    const fresh = leaseObject(
      node.nodeName,
      this.options.leaseDurationSeconds ?? 40,
      at,
      uid ? { uid } : undefined,
    );
    try {
      if (this.lease === undefined) {
        try {
          this.lease = await leases.create(fresh);
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          const existing = await leases.get(node.nodeName);
          this.lease = await leases.update({ ...existing, spec: { ...existing.spec, ...fresh.spec } });
        }
      } else {
        this.lease = await leases.update({ ...this.lease, spec: { ...this.lease.spec, ...fresh.spec } });
      }
      this.leaseRenewals++;
    } catch (error) {
      this.lease = undefined; // re-read (or re-create) next time
      if (!isConflict(error) && !isNotFound(error)) throw error;
      this.options.onError?.(error, 'lease');
    }
  }

  private async updateNodeStatus(now = this.options.clock.now()): Promise<void> {
    const { client, node } = this.options;
    const nodes = client.resource('v1', 'Node');
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = this.nodeObj ?? (await nodes.get(node.nodeName));
      try {
        this.nodeObj = await nodes.updateStatus({
          ...current,
          status: nodeStatus(node, now, current.status),
        });
        this.lastNodeStatusAt = now;
        this.nodeStatusWrites++;
        return;
      } catch (error) {
        this.nodeObj = undefined;
        if (isNotFound(error)) {
          await this.registerNode();
          return;
        }
        if (!isConflict(error)) throw error;
      }
    }
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    const { clock } = this.options;
    this.nextBeatAt = clock.now() + Math.max(0, ms);
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.options.catchUpMissedBeats) {
        void this.beat().finally(() => this.schedule(this.intervalMs));
        return;
      }
      const at = this.lastSlot(clock.now());
      void this.beat(at, this.lastStatusSlot(at)).finally(() =>
        this.schedule(at + this.intervalMs - clock.now()),
      );
    }, ms);
  }

  /** The last beat slot (`nextBeatAt` + k intervals) at or before `now`. */
  private lastSlot(now: number): number {
    const interval = this.intervalMs;
    return this.nextBeatAt + Math.max(0, Math.floor((now - this.nextBeatAt) / interval)) * interval;
  }

  /**
   * The last slot up to `at` at which a beat would have updated the node status (the first slot at
   * least `nodeStatusUpdateMs` after the last update, then every whole number of intervals covering
   * it), or `undefined` when none fell due.
   */
  private lastStatusSlot(at: number): number | undefined {
    const interval = this.intervalMs;
    const every = this.options.nodeStatusUpdateMs ?? 60_000;
    if (at - this.lastNodeStatusAt < every) return undefined;
    const first =
      this.nextBeatAt +
      Math.max(0, Math.ceil((this.lastNodeStatusAt + every - this.nextBeatAt) / interval)) * interval;
    const stride = Math.max(1, Math.ceil(every / interval)) * interval;
    return first + Math.floor((at - first) / stride) * stride;
  }

  /**
   * One beat: renew the Lease and, when due, update the node status. `at`/`statusAt` stamp a beat
   * that catches up missed ones (`catchUpMissedBeats`); by default both are the current time.
   */
  private async beat(at?: number, statusAt?: number): Promise<void> {
    if (this.paused || !this.running) return;
    try {
      await this.renewLease(at);
      if (at !== undefined) {
        if (statusAt !== undefined) await this.updateNodeStatus(statusAt);
        return;
      }
      const every = this.options.nodeStatusUpdateMs ?? 60_000;
      if (this.options.clock.now() - this.lastNodeStatusAt >= every) await this.updateNodeStatus();
    } catch (error) {
      this.options.onError?.(error, 'heartbeat');
    }
  }
}
