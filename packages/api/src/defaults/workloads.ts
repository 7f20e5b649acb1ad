/**
 * `apps/v1` and `batch/v1` defaults, as kubernetes `pkg/apis/apps/v1/defaults.go` and
 * `pkg/apis/batch/v1/defaults.go`. apps/v1 never defaults the selector from the template labels;
 * a Job without labels takes its template's labels, as Kubernetes does.
 */
import { defaultPersistentVolumeClaimSpec } from './core.js';
import { defaultPodTemplateSpec } from './pod.js';
import { child, existing, items, type Obj, setDefault } from './util.js';

export function defaultDeployment(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate', true);
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', '25%');
        setDefault(ru, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(existing(spec, 'template'));
}

export function defaultReplicaSet(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(existing(spec, 'template'));
}

export function defaultStatefulSet(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'podManagementPolicy', 'OrderedReady', true);
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    if (strategy.type === undefined || strategy.type === null || strategy.type === '') {
      strategy.type = 'RollingUpdate';
      setDefault(strategy, 'rollingUpdate', {});
    }
    const ru = existing(strategy, 'rollingUpdate');
    if (strategy.type === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0);
  }
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setDefault(retention, 'whenDeleted', 'Retain', true);
    setDefault(retention, 'whenScaled', 'Retain', true);
  }
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(existing(spec, 'template'));
  for (const pvc of items(spec, 'volumeClaimTemplates')) {
    defaultPersistentVolumeClaimSpec(existing(pvc, 'spec'));
  }
}

export function defaultDaemonSet(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate', true);
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', 1);
        setDefault(ru, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(existing(spec, 'template'));
}

export function defaultJob(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  const unset = (k: string) => spec[k] === undefined || spec[k] === null;
  if (unset('completions') && unset('parallelism')) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', unset('backoffLimitPerIndex') ? 6 : 2147483647);
  setDefault(spec, 'completionMode', 'NonIndexed', true);
  setDefault(spec, 'suspend', false);
  setDefault(
    spec,
    'podReplacementPolicy',
    unset('podFailurePolicy') ? 'TerminatingOrFailed' : 'Failed',
    true,
  );
  for (const rule of items(existing(spec, 'podFailurePolicy'), 'rules')) {
    for (const pattern of items(rule, 'onPodConditions')) setDefault(pattern, 'status', 'True', true);
  }
  const template = existing(spec, 'template');
  const templateLabels = existing(existing(template, 'metadata'), 'labels');
  const meta = existing(obj, 'metadata');
  if (meta && templateLabels) {
    const labels = existing(meta, 'labels');
    if (!labels || Object.keys(labels).length === 0) meta.labels = { ...templateLabels };
  }
  defaultPodTemplateSpec(template);
}

export function defaultCronJob(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'concurrencyPolicy', 'Allow', true);
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobSpec = existing(existing(spec, 'jobTemplate'), 'spec');
  defaultPodTemplateSpec(existing(jobSpec, 'template'));
}
