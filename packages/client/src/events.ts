import type { Event, ObjectReference } from '@flotilla/api';
import { type Clock, toRFC3339 } from '@flotilla/clock';
import type { Client } from './client.js';

/** The object an Event is about. */
export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
  };
}

/**
 * Records core/v1 Events, as client-go's `EventRecorder`: what `kubectl describe` shows under
 * "Events:". Recording never fails the caller — an Event that cannot be written is dropped.
 */
export class EventRecorder {
  private serial = 0;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    /** `deployment-controller`, `replicaset-controller`, `default-scheduler`, `kubelet`, … */
    private readonly component: string,
  ) {}

  async record(
    object: InvolvedObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const now = this.clock.now();
    const namespace = object.metadata?.namespace || 'default';
    const involvedObject: ObjectReference = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata?.name ?? '',
      ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
      ...(object.metadata?.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
    };
    // Kubernetes names events `<object>.<unix nanos in hex>`; a per-recorder serial keeps them unique
    // and deterministic under a virtual clock.
    const name = `${object.metadata?.name ?? 'object'}.${(now * 1_000_000 + this.serial++).toString(16)}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: toRFC3339(now),
      lastTimestamp: toRFC3339(now),
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: '',
    };
    try {
      await this.client.resource('v1', 'Event').namespace(namespace).create(event);
    } catch {
      // Events are best effort, as in Kubernetes.
    }
  }
}
