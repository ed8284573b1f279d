/**
 * The V8 flags the service runs with, wherever it runs (the Dockerfile's CMD, `npm start`, the load
 * tests and benchmarks): a young generation of 32 MB per semi-space rather than Node's 16 MB. A
 * webhook allocates a few kilobytes that die young; with more room, scavenges run half as often and
 * promote less. Measured (loadtest/README.md): less CPU per webhook for ~45 MB more resident memory;
 * 64 MB saved little more CPU for ~140 MB.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];
