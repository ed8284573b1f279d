import t from 'tap';
import { twilioProvider } from './providers/twilio.js';
import { conformance } from './suite.js';

conformance(t, twilioProvider);
