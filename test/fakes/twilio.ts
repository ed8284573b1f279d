// The fake Twilio the tests drive is the load test's provider emulator: one engine for both.
export * from '../../loadtest/emulator/twilio.js';
