// Global test setup. Services the suites need (Redis for BullMQ) are started here by the project itself.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
