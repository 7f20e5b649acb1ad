import { type Deployment, isAlreadyExists, isNotFound, type ReplicaSet } from '@flotilla/api';
import { type Client, EventRecorder, type Informer, type SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { equalIgnoreHash, planRollout, type RolloutAction } from '@flotilla/rollout';
import { Controller } from '../controller.js';
import type { Request } from '../reconciler.js';
import {
  requestsForControllerOwner,
  requestsForObjects,
  requestsForSelectingOwners,
  selectorSelects,
} from '../sources.js';

/** ReplicaSets indexed by their controller's uid; orphans under `orphan/<namespace>`. */
export const RS_CONTROLLER_INDEX = 'flotilla.dev/controller-uid';

function controllerIndex(rs: ReplicaSet): string[] {
  const ref = rs.metadata?.ownerReferences?.find((r) => r.controller === true);
  return [ref ? ref.uid : `orphan/${rs.metadata?.namespace ?? ''}`];
}

export interface DeploymentControllerOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly workers?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

/**
 * The Deployment controller: adopts the ReplicaSets a Deployment selects, asks `@flotilla/rollout`
 * for the next step, and executes it — creating, scaling and deleting ReplicaSets, writing status and
 * revision annotations, and recording Events (`ScalingReplicaSet`, `DeploymentRollback`).
 */
export function createDeploymentController(options: DeploymentControllerOptions): Controller {
  const { client, clock } = options;
  const deployments = options.informers.informerFor('apps/v1', 'Deployment');
  const replicaSets = options.informers.informerFor('apps/v1', 'ReplicaSet');
  replicaSets.addIndexer(RS_CONTROLLER_INDEX, controllerIndex);
  const recorder = new EventRecorder(client, clock, 'deployment-controller');

  const reconciler = {
    async reconcile(request: Request) {
      const deployment = deployments.lister().get(request.namespace, request.name);
      if (!deployment) return {};
      const owned = await claimReplicaSets(client, deployment, replicaSets);
      const plan = planRollout(deployment, owned, { now: clock.now() });
      await execute(client, recorder, deployment, plan.actions);
      return plan.requeueAfter === undefined ? {} : { requeueAfter: plan.requeueAfter };
    },
  };

  return new Controller({
    name: 'deployment',
    clock,
    reconciler,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
    sources: [
      requestsForObjects(deployments.events$),
      requestsForControllerOwner(replicaSets.events$, { apiVersion: 'apps/v1', kind: 'Deployment' }),
      requestsForSelectingOwners(replicaSets.events$, (namespace) =>
        deployments.lister().list({ namespace }),
      ),
    ],
  });
}

/**
 * Kubernetes' ControllerRefManager for ReplicaSets: owned ones that still match stay, owned ones that
 * don't are released, matching orphans are adopted (not while the Deployment is being deleted).
 */
async function claimReplicaSets(
  client: Client,
  d: Deployment,
  informer: Informer<ReplicaSet>,
): Promise<ReplicaSet[]> {
  const namespace = d.metadata?.namespace ?? 'default';
  const uid = d.metadata?.uid ?? '';
  const api = client.resource('apps/v1', 'ReplicaSet').namespace(namespace);
  const lister = informer.lister();
  const claimed: ReplicaSet[] = [];
  for (const rs of lister.byIndex(RS_CONTROLLER_INDEX, uid)) {
    if (selectorSelects(d, rs.metadata?.labels ?? {})) {
      claimed.push(rs);
      continue;
    }
    const refs = (rs.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid);
    await ignoreNotFound(
      api.patch(rs.metadata?.name ?? '', {
        metadata: {
          resourceVersion: rs.metadata?.resourceVersion,
          ownerReferences: refs.length ? refs : null,
        },
      }),
    );
  }
  if (d.metadata?.deletionTimestamp) return claimed;
  for (const rs of lister.byIndex(RS_CONTROLLER_INDEX, `orphan/${namespace}`)) {
    if (rs.metadata?.deletionTimestamp || !selectorSelects(d, rs.metadata?.labels ?? {})) continue;
    const ownerReference = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: d.metadata?.name ?? '',
      uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    const adopted = await api.patch(rs.metadata?.name ?? '', {
      metadata: {
        resourceVersion: rs.metadata?.resourceVersion,
        ownerReferences: [...(rs.metadata?.ownerReferences ?? []), ownerReference],
      },
    });
    claimed.push(adopted);
  }
  return claimed;
}

async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function execute(
  client: Client,
  recorder: EventRecorder,
  d: Deployment,
  actions: readonly RolloutAction[],
): Promise<void> {
  const namespace = d.metadata?.namespace ?? 'default';
  const sets = client.resource('apps/v1', 'ReplicaSet').namespace(namespace);
  const deployments = client.resource('apps/v1', 'Deployment').namespace(namespace);
  for (const action of actions) {
    switch (action.type) {
      case 'createReplicaSet': {
        const name = action.replicaSet.metadata?.name ?? '';
        try {
          await sets.create(action.replicaSet);
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          // Someone else's ReplicaSet has our name (or the cache is behind): Kubernetes bumps
          // collisionCount so the next pass picks another name, unless it is really ours.
          const existing = await sets.get(name);
          const ours = existing.metadata?.ownerReferences?.some(
            (r) => r.controller && r.uid === d.metadata?.uid,
          );
          if (ours && equalIgnoreHash(existing.spec?.template, d.spec?.template)) return;
          await deployments.updateStatus({
            ...d,
            status: { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 },
          });
          return;
        }
        const replicas = action.replicaSet.spec?.replicas ?? 0;
        if (replicas > 0)
          await recorder.record(
            d,
            'Normal',
            'ScalingReplicaSet',
            `Scaled up replica set ${name} from 0 to ${replicas}`,
          );
        break;
      }
      case 'scaleReplicaSet':
        await sets.patch(action.name, {
          metadata: { resourceVersion: action.resourceVersion, annotations: action.annotations },
          spec: {
            replicas: action.replicas,
            ...(action.minReadySeconds === undefined ? {} : { minReadySeconds: action.minReadySeconds }),
          },
        });
        await recorder.record(
          d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled ${action.replicas > action.from ? 'up' : 'down'} replica set ${action.name} from ${action.from} to ${action.replicas}`,
        );
        break;
      case 'updateReplicaSet':
        await sets.patch(action.name, {
          metadata: { resourceVersion: action.resourceVersion, annotations: action.annotations },
          ...(action.minReadySeconds === undefined
            ? {}
            : { spec: { minReadySeconds: action.minReadySeconds } }),
        });
        break;
      case 'deleteReplicaSet':
        await ignoreNotFound(sets.delete(action.name, { preconditions: action.preconditions }));
        break;
      case 'updateDeploymentStatus': {
        const written = await deployments.updateStatus({
          ...d,
          metadata: { ...d.metadata, resourceVersion: action.resourceVersion },
          status: action.status,
        });
        // The status subresource keeps metadata as it is; the revision annotation goes through the
        // main resource, conditioned on the version the status write produced.
        if (action.annotations && Object.keys(action.annotations).length > 0) {
          await deployments.patch(action.name, {
            metadata: { resourceVersion: written.metadata?.resourceVersion, annotations: action.annotations },
          });
        }
        break;
      }
      case 'rollbackTemplate':
        await deployments.update({
          ...d,
          metadata: {
            ...d.metadata,
            resourceVersion: action.resourceVersion,
            annotations: action.annotations,
          },
          spec: { ...d.spec!, template: action.template },
        });
        await recorder.record(d, 'Warning', 'DeploymentRollback', action.message);
        break;
    }
  }
}
