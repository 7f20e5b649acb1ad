/** @flotilla/client — the Client interface, informers and the work queue. */
export { DEFAULT_ITEM_BACKOFF, WorkQueue, type WorkQueueOptions } from './work-queue.js';
