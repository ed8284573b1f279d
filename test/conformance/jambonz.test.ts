import t from 'tap';
import { jambonzProvider } from './providers/jambonz.js';
import { conformance } from './suite.js';

conformance(t, jambonzProvider);
