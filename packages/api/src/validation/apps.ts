/**
 * `apps/v1` workload validation, as kubernetes `pkg/apis/apps/validation`: Deployment, ReplicaSet,
 * StatefulSet and DaemonSet specs (selector required, non-empty and matching the template labels,
 * replica counts, rolling-update parameters, update strategies) and their immutable fields.
 */
import { fieldErrors } from '../field-errors.js';
import type {
  DaemonSet,
  Deployment,
  LabelSelector,
  PodTemplateSpec,
  ReplicaSet,
  StatefulSet,
} from '../generated/schemas.generated.js';
import { nameIsDNS1035Label } from '../names.js';
import { validatePersistentVolumeClaimTemplateSpec } from './core.js';
import {
  deepEqual,
  type ErrorList,
  enumValue,
  immutable,
  intOrPercentValue,
  invalidEach,
  labelSelectorErrors,
  nonNegative,
  notMoreThan100Percent,
  positiveIntOrPercent,
  selectorOf,
} from './helpers.js';
import { validatePodTemplateSpec } from './pod.js';

const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/**
 * The selector checks every apps/v1 workload shares: required, valid, non-empty (`empty selector is
 * invalid for <kind>`) and matching the template's labels.
 */
function validateWorkloadSelector(
  errs: ErrorList,
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  kindWord: string,
  path: string,
): void {
  if (!selector) {
    errs.push(fieldErrors.required(`${path}.selector`));
    return;
  }
  const selectorErrs = labelSelectorErrors(selector, `${path}.selector`);
  errs.push(...selectorErrs);
  const empty =
    Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
  if (empty) {
    errs.push(fieldErrors.invalid(`${path}.selector`, selector, `empty selector is invalid for ${kindWord}`));
    return;
  }
  if (selectorErrs.length) return;
  const compiled = selectorOf(selector);
  const labels = template?.metadata?.labels ?? {};
  if (compiled && !compiled.matches(labels))
    errs.push(fieldErrors.invalid(`${path}.template.metadata.labels`, labels, SELECTOR_MISMATCH));
}

/** Template rules of controllers whose pods run forever: restartPolicy Always, no activeDeadlineSeconds. */
function validateLongRunningTemplate(
  errs: ErrorList,
  template: PodTemplateSpec | undefined,
  path: string,
  kind: string,
  extraVolumes: readonly string[] = [],
): void {
  errs.push(...validatePodTemplateSpec(template, path, extraVolumes));
  const spec = template?.spec;
  if (!spec) return;
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always')
    errs.push(fieldErrors.notSupported(`${path}.spec.restartPolicy`, spec.restartPolicy, ['Always']));
  if (spec.activeDeadlineSeconds !== undefined)
    errs.push(
      kind === 'DaemonSet'
        ? fieldErrors.invalid(
            `${path}.spec.activeDeadlineSeconds`,
            spec.activeDeadlineSeconds,
            'activeDeadlineSeconds must be nil for daemon set pods',
          )
        : fieldErrors.forbidden(
            `${path}.spec.activeDeadlineSeconds`,
            `activeDeadlineSeconds in ${kind} is not Supported`,
          ),
    );
}

/** `ValidateDeploymentSpec`. */
export function validateDeployment(obj: Deployment): ErrorList {
  const errs: ErrorList = [];
  const spec = obj.spec;
  if (!spec) return [fieldErrors.required('spec')];
  nonNegative(errs, spec.replicas, 'spec.replicas');
  validateWorkloadSelector(errs, spec.selector, spec.template, 'deployment', 'spec');
  validateLongRunningTemplate(errs, spec.template, 'spec.template', 'ReplicaSet');
  const strategy = spec.strategy;
  if (strategy) {
    const type = strategy.type;
    if (type === 'Recreate') {
      if (strategy.rollingUpdate)
        errs.push(
          fieldErrors.forbidden(
            'spec.strategy.rollingUpdate',
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        );
    } else if (type === undefined || type === 'RollingUpdate') {
      const ru = strategy.rollingUpdate;
      if (ru) {
        positiveIntOrPercent(errs, ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable');
        positiveIntOrPercent(errs, ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge');
        // Absent values default to 25%.
        if (
          intOrPercentValue(ru.maxUnavailable ?? '25%') === 0 &&
          intOrPercentValue(ru.maxSurge ?? '25%') === 0
        )
          errs.push(
            fieldErrors.invalid(
              'spec.strategy.rollingUpdate.maxUnavailable',
              ru.maxUnavailable,
              'may not be 0 when `maxSurge` is 0',
            ),
          );
        notMoreThan100Percent(errs, ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable');
      }
    } else {
      enumValue(errs, type, 'spec.strategy.type', ['Recreate', 'RollingUpdate']);
    }
  }
  nonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  nonNegative(errs, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
  if (spec.progressDeadlineSeconds !== undefined) {
    nonNegative(errs, spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds');
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
      errs.push(
        fieldErrors.invalid(
          'spec.progressDeadlineSeconds',
          spec.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        ),
      );
  }
  return errs;
}

/** `ValidateReplicaSetSpec` (Kubernetes' message says "deployment" here too). */
export function validateReplicaSet(obj: ReplicaSet): ErrorList {
  const errs: ErrorList = [];
  const spec = obj.spec;
  if (!spec) return [fieldErrors.required('spec')];
  nonNegative(errs, spec.replicas, 'spec.replicas');
  nonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  validateWorkloadSelector(errs, spec.selector, spec.template, 'deployment', 'spec');
  validateLongRunningTemplate(errs, spec.template, 'spec.template', 'ReplicaSet');
  return errs;
}

/** `ValidateStatefulSetSpec`. */
export function validateStatefulSet(obj: StatefulSet): ErrorList {
  const errs: ErrorList = [];
  const spec = obj.spec;
  if (!spec) return [fieldErrors.required('spec')];
  const policy = spec.podManagementPolicy;
  if (policy === '') errs.push(fieldErrors.required('spec.podManagementPolicy'));
  else if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel')
    errs.push(
      fieldErrors.invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"),
    );
  const strategy = spec.updateStrategy;
  if (strategy) {
    switch (strategy.type) {
      case '':
        errs.push(fieldErrors.required('spec.updateStrategy'));
        break;
      case 'OnDelete':
        if (strategy.rollingUpdate)
          errs.push(
            fieldErrors.invalid(
              'spec.updateStrategy.rollingUpdate',
              strategy.rollingUpdate,
              "only allowed for updateStrategy 'RollingUpdate'",
            ),
          );
        break;
      case undefined:
      case 'RollingUpdate':
        if (strategy.rollingUpdate) {
          nonNegative(errs, strategy.rollingUpdate.partition, 'spec.updateStrategy.rollingUpdate.partition');
          const mu = strategy.rollingUpdate.maxUnavailable;
          if (mu !== undefined) {
            positiveIntOrPercent(errs, mu, 'spec.updateStrategy.rollingUpdate.maxUnavailable');
            if (intOrPercentValue(mu) === 0)
              errs.push(
                fieldErrors.invalid(
                  'spec.updateStrategy.rollingUpdate.maxUnavailable',
                  mu,
                  'must be greater than 0',
                ),
              );
            notMoreThan100Percent(errs, mu, 'spec.updateStrategy.rollingUpdate.maxUnavailable');
          }
        }
        break;
      default:
        errs.push(
          fieldErrors.invalid('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'"),
        );
    }
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    enumValue(errs, retention.whenDeleted, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', [
      'Retain',
      'Delete',
    ]);
    enumValue(errs, retention.whenScaled, 'spec.persistentVolumeClaimRetentionPolicy.whenScaled', [
      'Retain',
      'Delete',
    ]);
  }
  nonNegative(errs, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
  nonNegative(errs, spec.replicas, 'spec.replicas');
  nonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  nonNegative(errs, spec.ordinals?.start, 'spec.ordinals.start');
  if (spec.serviceName)
    invalidEach(errs, 'spec.serviceName', spec.serviceName, nameIsDNS1035Label(spec.serviceName, false));
  validateWorkloadSelector(errs, spec.selector, spec.template, 'statefulset', 'spec');
  const claimNames = (spec.volumeClaimTemplates ?? []).flatMap((pvc) =>
    pvc.metadata?.name ? [pvc.metadata.name] : [],
  );
  validateLongRunningTemplate(errs, spec.template, 'spec.template', 'StatefulSet', claimNames);
  (spec.volumeClaimTemplates ?? []).forEach((pvc, i) => {
    const p = `spec.volumeClaimTemplates[${i}]`;
    if (!pvc.metadata?.name) errs.push(fieldErrors.required(`${p}.metadata.name`));
    errs.push(...validatePersistentVolumeClaimTemplateSpec(pvc.spec, `${p}.spec`));
  });
  return errs;
}

/** `ValidateDaemonSetSpec`. */
export function validateDaemonSet(obj: DaemonSet): ErrorList {
  const errs: ErrorList = [];
  const spec = obj.spec;
  if (!spec) return [fieldErrors.required('spec')];
  validateWorkloadSelector(errs, spec.selector, spec.template, 'daemonset', 'spec');
  validateLongRunningTemplate(errs, spec.template, 'spec.template', 'DaemonSet');
  nonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  nonNegative(errs, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
  const strategy = spec.updateStrategy;
  if (strategy) {
    const p = 'spec.updateStrategy';
    if (strategy.type === 'RollingUpdate' || strategy.type === undefined) {
      const ru = strategy.rollingUpdate;
      if (ru) {
        positiveIntOrPercent(errs, ru.maxUnavailable, `${p}.rollingUpdate.maxUnavailable`);
        positiveIntOrPercent(errs, ru.maxSurge, `${p}.rollingUpdate.maxSurge`);
        notMoreThan100Percent(errs, ru.maxUnavailable, `${p}.rollingUpdate.maxUnavailable`);
        notMoreThan100Percent(errs, ru.maxSurge, `${p}.rollingUpdate.maxSurge`);
        // Absent values default to maxUnavailable 1, maxSurge 0.
        const hasUnavailable = intOrPercentValue(ru.maxUnavailable ?? 1) !== 0;
        const hasSurge = intOrPercentValue(ru.maxSurge ?? 0) !== 0;
        if (hasUnavailable && hasSurge)
          errs.push(
            fieldErrors.invalid(
              `${p}.rollingUpdate.maxSurge`,
              ru.maxSurge,
              'may not be set when maxUnavailable is non-zero',
            ),
          );
        else if (!hasUnavailable && !hasSurge)
          errs.push(
            fieldErrors.required(`${p}.rollingUpdate.maxUnavailable`, 'cannot be 0 when maxSurge is 0'),
          );
      }
    } else if (strategy.type !== 'OnDelete') {
      errs.push(fieldErrors.notSupported(`${p}.type`, strategy.type, ['RollingUpdate', 'OnDelete']));
    }
  }
  return errs;
}

/** Updates: the selector of every apps/v1 workload is immutable. */
export function validateWorkloadSelectorUpdate(
  next: { spec?: { selector?: LabelSelector } },
  prev: { spec?: { selector?: LabelSelector } },
): ErrorList {
  const errs: ErrorList = [];
  immutable(errs, next.spec?.selector, prev.spec?.selector, 'spec.selector');
  return errs;
}

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/** `ValidateStatefulSetUpdate`: only some spec fields may change. */
export function validateStatefulSetUpdate(next: StatefulSet, prev: StatefulSet): ErrorList {
  const strip = (spec: StatefulSet['spec']) =>
    Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)));
  const errs: ErrorList = [];
  if (!deepEqual(strip(next.spec), strip(prev.spec)))
    errs.push(
      fieldErrors.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  return errs;
}
