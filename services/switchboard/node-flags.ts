/**
 * The V8 flags the service runs with, wherever it runs (the Dockerfile's CMD, `npm start`, the load
 * tests and benchmarks): a young generation of 64 MB per semi-space rather than Node's 16 MB. A
 * webhook allocates a few kilobytes that die young; with more room, scavenges run a quarter as often
 * and promote less, for about a tenth less CPU per wait-loop webhook at 1,000 a second
 * (loadtest/README.md), at the cost of up to ~100 MB more resident memory.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];
