import t from 'tap';
import { ConfigError, configFromEnv } from '../../../services/switchboard/config.js';

t.test('JAMBONZ_API_BASE: no default (jambonz is self-hosted), checked as a URL when given', async (t) => {
  t.equal(configFromEnv({}).jambonzApiBase, '', 'unset: empty, and the service insists on it only when a practice is on jambonz');
  t.equal(configFromEnv({ JAMBONZ_API_BASE: 'https://jambonz.example.nhs.uk/api/' }).jambonzApiBase, 'https://jambonz.example.nhs.uk/api', 'a trailing slash is dropped');
  t.throws(() => configFromEnv({ JAMBONZ_API_BASE: 'ftp://jambonz.example' }), new ConfigError('invalid configuration:\n  JAMBONZ_API_BASE=ftp://jambonz.example: must be a http: or https: URL'));
  t.throws(() => configFromEnv({ JAMBONZ_API_BASE: 'jambonz' }), { message: /JAMBONZ_API_BASE=jambonz: is not a URL/ });
});
