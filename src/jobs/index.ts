/** Public surface of the jobs module. */
export type * from './port.js';
export { openInProcessQueue, type InProcessQueueOptions } from './in-process-queue.js';
export { createAnnotateProcessor, type AnnotateProcessorDeps } from './annotate-processor.js';
export { openBullmqQueue, type BullmqQueueOptions } from './bullmq/bullmq-queue.js';
