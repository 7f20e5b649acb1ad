/**
 * `batch/v1` validation, as kubernetes `pkg/apis/batch/validation`: Job counts and completion mode,
 * the template's restart policy (OnFailure or Never), CronJob schedule, concurrency policy and
 * history limits; on update, a Job's selector and template are immutable.
 */
import { fieldErrors } from '../field-errors.js';
import type { CronJob, Job, JobSpec } from '../generated/schemas.generated.js';
import { cronScheduleError } from './cron.js';
import {
  type ErrorList,
  enumValue,
  immutable,
  labelSelectorErrors,
  nonNegative,
  selectorOf,
} from './helpers.js';
import { validatePodTemplateSpec } from './pod.js';

export const COMPLETION_MODES = ['NonIndexed', 'Indexed'] as const;
export const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;
/** CronJob names leave room for the 11-character suffix of the Jobs they create. */
export const CRONJOB_NAME_MAX_LENGTH = 52;

function validateJobSpec(errs: ErrorList, spec: JobSpec, path: string, generatedSelector: boolean): void {
  nonNegative(errs, spec.parallelism, `${path}.parallelism`);
  nonNegative(errs, spec.completions, `${path}.completions`);
  nonNegative(errs, spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`);
  nonNegative(errs, spec.backoffLimit, `${path}.backoffLimit`);
  nonNegative(errs, spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`);
  enumValue(errs, spec.completionMode, `${path}.completionMode`, COMPLETION_MODES);
  if (spec.completionMode === 'Indexed' && spec.completions === undefined)
    errs.push(fieldErrors.required(`${path}.completions`, 'when completion mode is Indexed'));
  if (spec.selector) {
    const selErrs = labelSelectorErrors(spec.selector, `${path}.selector`);
    errs.push(...selErrs);
    const selector = selErrs.length ? undefined : selectorOf(spec.selector);
    const labels = spec.template?.metadata?.labels ?? {};
    if (selector && !selector.matches(labels))
      errs.push(
        fieldErrors.invalid(
          `${path}.template.metadata.labels`,
          labels,
          '`selector` does not match template `labels`',
        ),
      );
  } else if (!generatedSelector && spec.manualSelector) {
    errs.push(fieldErrors.required(`${path}.selector`));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  // Defaulting would make an absent policy Always, which Jobs do not allow.
  const restart = spec.template?.spec?.restartPolicy ?? 'Always';
  if (spec.template?.spec && restart !== 'OnFailure' && restart !== 'Never')
    errs.push(
      fieldErrors.notSupported(`${path}.template.spec.restartPolicy`, restart, ['OnFailure', 'Never']),
    );
}

export function validateJob(job: Job): ErrorList {
  const errs: ErrorList = [];
  if (!job.spec) return [fieldErrors.required('spec')];
  validateJobSpec(errs, job.spec, 'spec', false);
  return errs;
}

export function validateCronJob(cj: CronJob): ErrorList {
  const errs: ErrorList = [];
  const name = cj.metadata?.name;
  if (name && name.length > CRONJOB_NAME_MAX_LENGTH)
    errs.push(
      fieldErrors.invalid(
        'metadata.name',
        name,
        `must be no more than ${CRONJOB_NAME_MAX_LENGTH} characters`,
      ),
    );
  const spec = cj.spec;
  if (!spec) return [...errs, fieldErrors.required('spec')];
  if (!spec.schedule) errs.push(fieldErrors.required('spec.schedule'));
  else if (/^\s*(CRON_)?TZ=/.test(spec.schedule))
    errs.push(
      fieldErrors.invalid(
        'spec.schedule',
        spec.schedule,
        'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ),
    );
  else {
    const err = cronScheduleError(spec.schedule);
    if (err) errs.push(fieldErrors.invalid('spec.schedule', spec.schedule, err));
  }
  nonNegative(errs, spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds');
  enumValue(errs, spec.concurrencyPolicy, 'spec.concurrencyPolicy', CONCURRENCY_POLICIES);
  nonNegative(errs, spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit');
  nonNegative(errs, spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit');
  const template = spec.jobTemplate;
  if (!template?.spec) errs.push(fieldErrors.required('spec.jobTemplate.spec'));
  else validateJobSpec(errs, template.spec, 'spec.jobTemplate.spec', true);
  return errs;
}

/** `ValidateJobUpdate`: selector, template and completion mode are immutable. */
export function validateJobUpdate(next: Job, prev: Job): ErrorList {
  const errs: ErrorList = [];
  // A selector the store generated on create is carried over when the update leaves it out.
  if (next.spec?.selector !== undefined)
    immutable(errs, next.spec.selector, prev.spec?.selector, 'spec.selector');
  immutable(errs, next.spec?.template, prev.spec?.template, 'spec.template');
  if (next.spec?.completionMode !== undefined && prev.spec?.completionMode !== undefined)
    immutable(errs, next.spec.completionMode, prev.spec.completionMode, 'spec.completionMode');
  return errs;
}
