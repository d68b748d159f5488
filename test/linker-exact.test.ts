import { describe, expect, it } from 'vitest';
import { createExactLinker } from '../src/kb/exact-linker.js';
import type { EntityType, Span, EntityName } from '../src/domain/index.js';

const n = (entityId: string, type: EntityType, name: string, origin = 'vocabulary'): EntityName => ({ entityId, type, name, origin });
const span = (text: string, part: string, type: EntityType, from = 0): Span => {
  const start = text.indexOf(part, from);
  return { start, end: start + part.length, type, text: part, confidence: null };
};

const NAMES: EntityName[] = [
  n('MESH:D009270', 'CHEMICAL', 'Naloxone'),
  n('MESH:D012640', 'DISEASE', 'Seizures'),
  n('MESH:D012640', 'DISEASE', 'Convulsions'),
  n('MESH:D006973', 'DISEASE', 'Hypertension'),
  // 'Cold' is ambiguous between two diseases; the one whose preferred name it is wins.
  n('MESH:D003139', 'DISEASE', 'Common Cold'),
  n('MESH:D003139', 'DISEASE', 'Cold'),
  n('MESH:D003080', 'DISEASE', 'Cold'),
  // origin decides next: vocabulary over annotation
  n('MESH:C000002', 'CHEMICAL', 'PAN', 'annotation'),
  n('MESH:C000009', 'CHEMICAL', 'PAN'),
  // then annotation count, then the smallest id
  n('MESH:D000003', 'CHEMICAL', 'XR-1', 'annotation'),
  n('MESH:D000002', 'CHEMICAL', 'XR-1', 'annotation'),
  n('MESH:D000001', 'CHEMICAL', 'XR-1', 'annotation'),
];

describe('createExactLinker', () => {
  it('links exact names, then normalised ones, constrained by type; leaves the rest unlinked', async () => {
    const linker = await createExactLinker({ names: NAMES, version: 'exact-test' });
    expect(linker.version).toBe('exact-test');
    const text = 'Naloxone reversed convulsions and SEIZURE; naloxone; hypertension as a chemical; aspirin.';
    const results = await linker.link(text, [
      span(text, 'Naloxone', 'CHEMICAL'),
      span(text, 'convulsions', 'DISEASE'),
      span(text, 'SEIZURE', 'DISEASE'),
      span(text, 'naloxone', 'CHEMICAL'),
      span(text, 'hypertension', 'CHEMICAL'),
      span(text, 'aspirin', 'CHEMICAL'),
    ]);
    expect(results).toEqual([
      { entityId: 'MESH:D009270', method: 'exact', matchedName: 'Naloxone', confidence: 1 },
      { entityId: 'MESH:D012640', method: 'normalized', matchedName: 'Convulsions', confidence: 0.9 },
      { entityId: 'MESH:D012640', method: 'normalized', matchedName: 'Seizures', confidence: 0.9 },
      { entityId: 'MESH:D009270', method: 'normalized', matchedName: 'Naloxone', confidence: 0.9 },
      { entityId: null, method: null, matchedName: null, confidence: null },
      { entityId: null, method: null, matchedName: null, confidence: null },
    ]);
  });

  it('resolves ambiguity: preferred name, then origin, then annotation count, then smallest id', async () => {
    const text = 'Cold; PAN; XR-1';
    const spans = [span(text, 'Cold', 'DISEASE'), span(text, 'PAN', 'CHEMICAL'), span(text, 'XR-1', 'CHEMICAL')];
    const plain = await createExactLinker({ names: NAMES });
    expect((await plain.link(text, spans)).map((r) => r.entityId)).toEqual(['MESH:D003080', 'MESH:C000009', 'MESH:D000001']);

    const informed = await createExactLinker({
      names: NAMES,
      preferredNames: new Map([['MESH:D003139', 'Cold'], ['MESH:D003080', 'Cold Temperature']]),
      annotationCounts: new Map([['MESH:D000002', 7], ['MESH:D000003', 2]]),
    });
    expect((await informed.link(text, spans)).map((r) => r.entityId)).toEqual(['MESH:D003139', 'MESH:C000009', 'MESH:D000002']);
    // Input order of the names does not change the winner.
    const reversed = await createExactLinker({ names: [...NAMES].reverse() });
    expect((await reversed.link(text, spans)).map((r) => r.entityId)).toEqual(['MESH:D003080', 'MESH:C000009', 'MESH:D000001']);
  });

  it('links on the document characters at the span offsets and returns one result per span', async () => {
    const linker = await createExactLinker({ names: NAMES });
    expect(await linker.link('x', [])).toEqual([]);
    const text = 'β naloxone';
    const results = await linker.link(text, [{ start: 2, end: 10, type: 'CHEMICAL', text: 'ignored', confidence: 0.5 }]);
    expect(results[0]).toMatchObject({ entityId: 'MESH:D009270', method: 'normalized' });
  });

  it('rejects spans outside the text and unknown types with coded errors', async () => {
    const linker = await createExactLinker({ names: NAMES });
    await expect(linker.link('abc', [{ start: 1, end: 9, type: 'CHEMICAL', text: 'bc', confidence: null }])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(linker.link('abc', [{ start: 0, end: 1, type: 'DRUG' as EntityType, text: 'a', confidence: null }])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(createExactLinker({ names: [n('X', 'DRUG' as EntityType, 'x')] })).rejects.toMatchObject({ code: 'INVALID_FORMAT' });
  });

  it('derives a default version from the names', async () => {
    const a = await createExactLinker({ names: NAMES });
    const b = await createExactLinker({ names: NAMES.slice(1) });
    expect(a.version).toMatch(/^exact-[0-9a-f]{8}$/);
    expect(a.version).not.toBe(b.version);
  });
});
