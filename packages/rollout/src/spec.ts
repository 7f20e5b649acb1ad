/**
 * Reads a Deployment the way the controller sees it after API defaulting: every field the planner
 * needs, with Kubernetes' `apps/v1` defaults for the absent ones, checked against the validation
 * rules the planner relies on. Bad input throws `RolloutError('Invalid')` naming the field.
 */
import {
  type LabelSelector as LabelsSelector,
  type Selector,
  selectorFromLabelSelector,
} from '@flotilla/labels';
import { MAX_INT32, STRATEGY_RECREATE, STRATEGY_ROLLING_UPDATE } from './constants.js';
import { invalid, RolloutError } from './errors.js';
import { parseIntOrPercent, resolveFenceposts } from './fenceposts.js';
import type { Deployment, IntOrString, LabelSelector, PodTemplateSpec } from './shapes.js';

/** A Deployment's rollout-relevant fields, defaulted and validated. */
export interface DeploymentView {
  readonly object: Deployment;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly generation: number;
  readonly deleting: boolean;
  readonly annotations: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly selector: LabelSelector;
  /** The compiled selector; `isEmpty()` means the Deployment would select every pod. */
  readonly compiledSelector: Selector;
  readonly template: PodTemplateSpec;
  readonly strategy: 'RollingUpdate' | 'Recreate';
  readonly minReadySeconds: number;
  /** Old ReplicaSets to keep for rollback (default 10). */
  readonly revisionHistoryLimit: number;
  /** `undefined`: no deadline (absent after defaulting only when MaxInt32 was given). */
  readonly progressDeadlineSeconds: number | undefined;
  readonly paused: boolean;
  /** Kubernetes' `MaxSurge(d)`: 0 unless RollingUpdate. */
  readonly maxSurge: number;
  /** Kubernetes' `MaxUnavailable(d)`: 0 unless RollingUpdate or when replicas is 0; at most replicas. */
  readonly maxUnavailable: number;
}

const DEFAULT_PERCENT: IntOrString = '25%';

function nonNegativeInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalid(field, value, 'must be an integer');
  if (value < 0) throw invalid(field, value, 'must be greater than or equal to 0');
  return value;
}

/** Reads and checks a Deployment (see the module comment). */
export function readDeployment(deployment: Deployment): DeploymentView {
  const meta = deployment.metadata ?? {};
  const spec = deployment.spec;
  if (spec === undefined) throw new RolloutError('Invalid', 'spec: Required value', 'spec');
  if (spec.template === undefined) {
    throw new RolloutError('Invalid', 'spec.template: Required value', 'spec.template');
  }
  if (spec.selector === undefined) {
    throw new RolloutError('Invalid', 'spec.selector: Required value', 'spec.selector');
  }
  const replicas = nonNegativeInt(spec.replicas ?? 1, 'spec.replicas');
  const minReadySeconds = nonNegativeInt(spec.minReadySeconds ?? 0, 'spec.minReadySeconds');
  const revisionHistoryLimit = nonNegativeInt(spec.revisionHistoryLimit ?? 10, 'spec.revisionHistoryLimit');
  const deadline = nonNegativeInt(spec.progressDeadlineSeconds ?? 600, 'spec.progressDeadlineSeconds');
  if (deadline <= minReadySeconds && deadline !== MAX_INT32) {
    throw invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds');
  }

  const type = spec.strategy?.type ?? STRATEGY_ROLLING_UPDATE;
  if (type !== STRATEGY_ROLLING_UPDATE && type !== STRATEGY_RECREATE) {
    throw new RolloutError(
      'Invalid',
      `spec.strategy.type: Unsupported value: ${JSON.stringify(type)}: supported values: "Recreate", "RollingUpdate"`,
      'spec.strategy.type',
    );
  }
  if (type === STRATEGY_RECREATE && spec.strategy?.rollingUpdate !== undefined) {
    throw new RolloutError(
      'Invalid',
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
      'spec.strategy.rollingUpdate',
    );
  }

  let maxSurge = 0;
  let maxUnavailable = 0;
  if (type === STRATEGY_ROLLING_UPDATE) {
    const surgeValue = spec.strategy?.rollingUpdate?.maxSurge ?? DEFAULT_PERCENT;
    const unavailableValue = spec.strategy?.rollingUpdate?.maxUnavailable ?? DEFAULT_PERCENT;
    const surge = parseIntOrPercent(surgeValue, 'spec.strategy.rollingUpdate.maxSurge');
    const unavailable = parseIntOrPercent(unavailableValue, 'spec.strategy.rollingUpdate.maxUnavailable');
    if (unavailable.isPercent && unavailable.value > 100) {
      throw invalid(
        'spec.strategy.rollingUpdate.maxUnavailable',
        unavailableValue,
        'must not be greater than 100%',
      );
    }
    if (surge.value === 0 && unavailable.value === 0) {
      throw invalid(
        'spec.strategy.rollingUpdate.maxUnavailable',
        unavailableValue,
        'may not be 0 when `maxSurge` is 0',
      );
    }
    const fenceposts = resolveFenceposts(surgeValue, unavailableValue, replicas);
    maxSurge = fenceposts.maxSurge;
    maxUnavailable = replicas === 0 ? 0 : Math.min(fenceposts.maxUnavailable, replicas);
  }

  let compiledSelector: Selector;
  try {
    compiledSelector = selectorFromLabelSelector(spec.selector as LabelsSelector, 'spec.selector');
  } catch (e) {
    throw new RolloutError('Invalid', e instanceof Error ? e.message : String(e), 'spec.selector');
  }
  const templateLabels = spec.template.metadata?.labels ?? {};
  if (!compiledSelector.isEmpty() && !compiledSelector.matches(templateLabels)) {
    throw invalid(
      'spec.template.metadata.labels',
      templateLabels,
      '`selector` does not match template `labels`',
    );
  }

  return {
    object: deployment,
    name: meta.name ?? '',
    namespace: meta.namespace ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
    generation: meta.generation ?? 0,
    deleting: meta.deletionTimestamp !== undefined,
    annotations: meta.annotations ?? {},
    replicas,
    selector: spec.selector,
    compiledSelector,
    template: spec.template,
    strategy: type,
    minReadySeconds,
    revisionHistoryLimit,
    progressDeadlineSeconds: deadline === MAX_INT32 ? undefined : deadline,
    paused: spec.paused === true,
    maxSurge,
    maxUnavailable,
  };
}
