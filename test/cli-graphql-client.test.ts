/**
 * The CLI's GraphQL client against a scripted local HTTP server: a field error beside partial data
 * (`{ data: { job: null }, errors: [QUEUE_UNAVAILABLE] }`, what the API answers for a nullable field while
 * Redis is down) is an error, retried when its code says so, never a null the caller takes for "unknown".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphQLClient } from '../src/cli/graphql-client.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** Serves the given JSON bodies in turn (the last one again once they run out). */
async function serve(bodies: readonly unknown[]): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = bodies[Math.min(count, bodies.length - 1)];
      count += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/graphql`, requests: () => count };
}

const QUEUE_DOWN = { errors: [{ message: 'the job queue is temporarily unavailable; retry later', path: ['job'], extensions: { code: 'QUEUE_UNAVAILABLE' } }], data: { job: null } };
const JOB = { data: { job: { id: 'job_1', state: 'COMPLETED' } } };

describe('CLI GraphQL client', () => {
  it('retries a retriable field error that came with partial data, then returns the answer', async () => {
    const { url, requests } = await serve([QUEUE_DOWN, QUEUE_DOWN, JOB]);
    const client = createGraphQLClient({ url, retries: 3, baseDelayMs: 1 });
    expect(await client.request('{ job(id: "job_1") { id state } }')).toEqual(JOB.data);
    expect(requests()).toBe(3);
  });

  it('once retries are spent, the field error is the coded error (not data with a null)', async () => {
    const { url, requests } = await serve([QUEUE_DOWN]);
    const client = createGraphQLClient({ url, retries: 1, baseDelayMs: 1 });
    await expect(client.request('{ job(id: "job_1") { id state } }')).rejects.toMatchObject({
      name: 'VanerError',
      code: 'QUEUE_UNAVAILABLE',
      message: 'server: the job queue is temporarily unavailable; retry later',
    });
    expect(requests()).toBe(2);
  });
});
