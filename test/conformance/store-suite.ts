/**
 * The whole Store conformance suite: every adapter of src/store/port.ts runs the suite of each port
 * (one file per port, beside this one). `open` must return a fresh, empty store each call; each
 * suite closes it after each test. test/conformance/port-coverage.test.ts checks that every method of
 * every port is called by its suite.
 */
import type { Store } from '../../src/store/port.js';
import { describeCoMentionsConformance } from './co-mentions-suite.js';
import { describeCurationConformance } from './curation-suite.js';
import { describeDocumentsConformance } from './documents-suite.js';
import { describeKnowledgeBaseConformance } from './knowledge-base-suite.js';

export function describeStoreConformance(name: string, open: () => Promise<Store>): void {
  describeKnowledgeBaseConformance(name, open);
  describeDocumentsConformance(name, open);
  describeCurationConformance(name, open);
  describeCoMentionsConformance(name, open);
}
