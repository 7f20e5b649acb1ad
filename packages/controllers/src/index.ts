/**
 * @flotilla/controllers — the reconcile machinery and the built-in workload controllers.
 *
 * - `Reconciler`: `reconcile(request, context) → { requeueAfter? }`, level-triggered and idempotent.
 * - `Controller`: request sources → de-duplicating work queue → N workers, with back-off on errors.
 * - `ControllerManager`: starts and stops a set of controllers together.
 */
export { Controller, type ControllerOptions, type ControllerStats } from './controller.js';
export { ControllerManager } from './manager.js';
export {
  isTerminalError,
  parseRequestKey,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
  requestFor,
  requestKey,
  TerminalError,
} from './reconciler.js';
export {
  type ObjectEvent,
  type ObjectLike,
  requestsForControllerOwner,
  requestsForObjects,
} from './sources.js';
