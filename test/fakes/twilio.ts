// The fake Twilio is the load tests' provider emulator: one engine for tests and load runs.
export * from '../../loadtest/emulator/twilio.js';
