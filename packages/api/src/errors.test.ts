import { describe, expect, it } from 'vitest';
import { ApiError, isConflict, isGone, isInvalid, isNotFound, STATUS_CODES } from './errors.js';
import { fieldErrors, formatFieldError } from './field-errors.js';

describe('ApiError', () => {
  it.each(Object.entries(STATUS_CODES))('%s has code %i', (reason, code) => {
    const e = new ApiError(reason as keyof typeof STATUS_CODES, 'x');
    expect(e.code).toBe(code);
    expect(ApiError.fromStatus(e.toStatus()).reason).toBe(reason);
  });

  it.each([
    {
      e: ApiError.notFound({ group: 'apps', resource: 'deployments' }, 'web'),
      want: 'deployments.apps "web" not found',
    },
    { e: ApiError.notFound({ group: '', resource: 'pods' }, 'p'), want: 'pods "p" not found' },
    { e: ApiError.alreadyExists({ group: '', resource: 'pods' }, 'p'), want: 'pods "p" already exists' },
    {
      e: ApiError.conflict({ group: 'apps', resource: 'deployments' }, 'web'),
      want: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    },
    { e: ApiError.gone(5, 10), want: 'too old resource version: 5 (10)' },
    {
      e: ApiError.invalid({ group: 'apps', kind: 'Deployment' }, 'web', [
        fieldErrors.invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
      ]),
      want: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    },
    {
      e: ApiError.invalid({ group: '', kind: 'Pod' }, 'p', [
        fieldErrors.required('spec.containers'),
        fieldErrors.notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
      ]),
      want: 'Pod "p" is invalid: [spec.containers: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
    },
  ])('message: $want', ({ e, want }) => {
    expect(e.message).toBe(want);
  });

  it('carries field causes for Invalid, and survives a Status round trip', () => {
    const e = ApiError.invalid({ group: 'apps', kind: 'Deployment' }, 'web', [
      fieldErrors.invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
    ]);
    const status = e.toStatus();
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    expect(status.details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: -1: must be greater than or equal to 0',
        field: 'spec.replicas',
      },
    ]);
    const back = ApiError.fromStatus(JSON.parse(JSON.stringify(status)));
    expect(isInvalid(back)).toBe(true);
    expect(back.details.causes).toHaveLength(1);
  });

  it('guards work on plain objects and never on other errors', () => {
    expect(isNotFound({ name: 'ApiError', reason: 'NotFound' })).toBe(true);
    expect(isConflict(new Error('Conflict'))).toBe(false);
    expect(isGone(ApiError.gone(1))).toBe(true);
    expect(isNotFound(undefined)).toBe(false);
  });

  it('maps unknown reasons by code', () => {
    expect(ApiError.fromStatus({ code: 404, message: 'nope' }).reason).toBe('NotFound');
    expect(ApiError.fromStatus({ reason: 'Weird', code: 999 }).reason).toBe('InternalError');
  });
});

describe('formatFieldError', () => {
  it.each([
    {
      e: fieldErrors.required('metadata.name', 'name or generateName is required'),
      want: 'metadata.name: Required value: name or generateName is required',
    },
    {
      e: fieldErrors.invalid('metadata.name', 'Web', 'a lowercase RFC 1123 subdomain…'),
      want: 'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain…',
    },
    {
      e: fieldErrors.duplicate('spec.containers[1].name', 'app'),
      want: 'spec.containers[1].name: Duplicate value: "app"',
    },
    {
      e: fieldErrors.forbidden('spec.selector', 'field is immutable'),
      want: 'spec.selector: Forbidden: field is immutable',
    },
    { e: fieldErrors.unknownField('spec.replica'), want: 'unknown field "spec.replica"' },
  ])('$want', ({ e, want }) => {
    expect(formatFieldError(e)).toBe(want);
  });
});
