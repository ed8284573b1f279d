/** JSON Schema of the directory file. Defaults here are the documented defaults (docs/directory.md). */

export const DEFAULT_OUT_OF_HOURS =
  'We are closed now. If you need medical help urgently, call NHS 111 or go to 111.nhs.uk. If someone\'s life is in danger, hang up and dial 999.';

const code = { type: 'string', pattern: '^[A-Z0-9]{3,10}$' } as const;
const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
const e164 = { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' } as const;
const spoken = { type: 'string', minLength: 1, maxLength: 1000 } as const;
/** A person's sign-in identity: the value of the provider's claim (an email address, a CIS2 UUID). */
const identity = { type: 'string', minLength: 3, maxLength: 320, pattern: '^\\S+$' } as const;

/** "08:00-18:30" ranges per weekday in London time (docs/directory.md#hours); an absent day is closed. */
const timeRanges = { type: 'array', items: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$' } } as const;
const hours = {
  type: 'object',
  additionalProperties: false,
  properties: { mon: timeRanges, tue: timeRanges, wed: timeRanges, thu: timeRanges, fri: timeRanges, sat: timeRanges, sun: timeRanges, bankHolidays: timeRanges },
} as const;
/** A team of a practice or of a PCN: `overflow.to` names a team key (`F81002.reception`) or an id. */
const team = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    id,
    name,
    hours,
    closedMessage: spoken,
    callback: { type: 'boolean', default: true },
    overflow: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['to'],
        anyOf: [{ required: ['afterSeconds'] }, { required: ['whenMoreThan'] }],
        properties: {
          to: { type: 'string', pattern: '^([A-Z0-9]{3,10}\\.)?[a-z0-9][a-z0-9-]{0,62}$' },
          afterSeconds: { type: 'integer', minimum: 0, maximum: 86400 },
          whenMoreThan: { type: 'integer', minimum: 0, maximum: 10000 },
        },
      },
    },
  },
} as const;
const menuOption = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { team: id, say: spoken, transfer: e164, menu: { $ref: '#/$defs/menu' } },
} as const;
const httpsUrl = { type: 'string', pattern: '^https?://[^\\s]+$' } as const;
/** The clinical-system lookup (docs/clinical-systems.md): secrets through ${NAME} placeholders. */
const patientLookup = {
  type: 'object',
  additionalProperties: false,
  required: ['fhirBaseUrl', 'auth'],
  properties: {
    fhirBaseUrl: httpsUrl,
    auth: {
      type: 'object',
      oneOf: [
        { additionalProperties: false, required: ['bearerToken'], properties: { bearerToken: { type: 'string', minLength: 8 } } },
        {
          additionalProperties: false,
          required: ['tokenUrl', 'clientId', 'clientSecret'],
          properties: { tokenUrl: httpsUrl, clientId: { type: 'string', minLength: 1 }, clientSecret: { type: 'string', minLength: 8 }, scope: { type: 'string', minLength: 1 } },
        },
      ],
    },
    flagServiceUrl: httpsUrl,
    budgetMs: { type: 'integer', minimum: 50, maximum: 2000, default: 300 },
    adjustments: {
      type: 'object',
      additionalProperties: false,
      properties: {
        team: id,
        headOfQueue: { type: 'boolean', default: false },
        callbackAtOnce: { type: 'boolean', default: false },
        ringSeconds: { type: 'integer', minimum: 5, maximum: 120 },
      },
    },
  },
} as const;
export const DEFAULT_RECORDING_ANNOUNCEMENT = 'Calls to this practice are recorded, for your care and for training.';
/** Call recording (docs/recording.md): retention from one to six years, as NHS England's telephony specification asks. */
const recording = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    mode: { enum: ['off', 'answered', 'answered-and-callbacks'], default: 'off' },
    announcement: { ...spoken, default: DEFAULT_RECORDING_ANNOUNCEMENT },
    retentionDays: { type: 'integer', minimum: 365, maximum: 2190, default: 2190, description: 'whole days from 365 (one year) to 2190 (six years)' },
  },
} as const;
const clockTime = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;

export const directorySchema = {
  $defs: {
    menu: {
      type: 'object',
      additionalProperties: false,
      required: ['prompt', 'options'],
      properties: {
        prompt: spoken,
        options: { type: 'object', minProperties: 1, additionalProperties: false, patternProperties: { '^[0-9*#]$': menuOption } },
        attempts: { type: 'integer', minimum: 1, maximum: 5, default: 3 },
        timeoutSeconds: { type: 'integer', minimum: 2, maximum: 30, default: 6 },
        default: id,
      },
    },
  },
  type: 'object',
  additionalProperties: false,
  required: ['icb', 'practices'],
  properties: {
    icb: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'name'],
      properties: { code, name, region: code },
    },
    pcns: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name'],
        properties: { code, name, teams: { type: 'array', default: [], items: team } },
      },
    },
    bankHolidays: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        add: { type: 'array', default: [], items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        remove: { type: 'array', default: [], items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
      },
    },
    practices: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ods', 'name', 'numbers', 'provider', 'teams'],
        properties: {
          ods: { type: 'string', pattern: '^[A-Z][0-9]{5}$', description: 'an ODS practice code: one letter and five digits, such as F81001' },
          name,
          pcn: code,
          subIcb: code,
          numbers: { type: 'array', minItems: 1, items: e164 },
          provider: {
            type: 'object',
            required: ['kind'],
            properties: { kind: { enum: ['twilio', 'jambonz'] } },
            allOf: [
              provider('twilio', {
                accountSid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' },
                authToken: { type: 'string', minLength: 8 },
              }),
              provider('jambonz', {
                accountSid: { ...uuid, description: 'a jambonz account_sid: a UUID' },
                apiKey: { ...uuid, description: 'a jambonz API key: a UUID' },
                webhookSecret: { type: 'string', minLength: 8 },
                ttsVendor: { type: 'string', pattern: '^[a-z0-9_-]{2,40}$', description: 'a jambonz speech vendor such as google or microsoft' },
              }, ['ttsVendor']),
            ],
          },
          announceEverySeconds: { type: 'integer', minimum: 10, maximum: 300, default: 30 },
          wrapUpSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 15 },
          ringSeconds: { type: 'integer', minimum: 5, maximum: 120, default: 20 },
          voice: { type: 'string', minLength: 1 },
          language: { type: 'string', pattern: '^[a-z]{2}-[A-Z]{2}$', default: 'en-GB' },
          holdMusicUrl: { type: 'string', pattern: '^https?://' },
          callRecordRetentionDays: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
          reportRetentionDays: { type: 'integer', minimum: 1, maximum: 3650, description: "days the reports' per-staff and per-team figures are kept; callRecordRetentionDays when not set" },
          callbackOfferAfterSeconds: { type: 'integer', minimum: 0, maximum: 7200, default: 120 },
          callbackRetrySeconds: { type: 'integer', minimum: 30, maximum: 7200, default: 300 },
          callbackAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
          callbackAtClosing: { enum: ['carry', 'flag'], default: 'carry' },
          callbackWindows: {
            type: 'array',
            maxItems: 9,
            default: [
              { start: '10:00', end: '12:00' },
              { start: '14:00', end: '16:00' },
            ],
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['start', 'end'],
              properties: { start: clockTime, end: clockTime },
            },
          },
          answerTargetSeconds: { type: 'integer', minimum: 10, maximum: 3600, default: 120 },
          wallboard: {
            type: 'object',
            additionalProperties: false,
            default: {},
            properties: {
              longestWaitAmberSeconds: { type: 'integer', minimum: 0, maximum: 7200, default: 60 },
              longestWaitRedSeconds: { type: 'integer', minimum: 0, maximum: 7200, default: 120 },
              waitingAmber: { type: 'integer', minimum: 0, maximum: 1000, default: 3 },
              waitingRed: { type: 'integer', minimum: 0, maximum: 1000, default: 6 },
              withinTargetAmberPercent: { type: 'number', minimum: 0, maximum: 100, default: 80 },
              withinTargetRedPercent: { type: 'number', minimum: 0, maximum: 100, default: 60 },
              abandonedAmberPercent: { type: 'number', minimum: 0, maximum: 100, default: 5 },
              abandonedRedPercent: { type: 'number', minimum: 0, maximum: 100, default: 10 },
            },
          },
          greeting: spoken,
          emergencyPreamble: spoken,
          menu: { $ref: '#/$defs/menu' },
          hours,
          outOfHoursMessage: { ...spoken, default: DEFAULT_OUT_OF_HOURS },
          priorityLines: {
            type: 'array',
            default: [],
            items: {
              type: 'object',
              additionalProperties: false,
              anyOf: [{ required: ['from'] }, { required: ['to'] }],
              properties: {
                name,
                from: { type: 'array', minItems: 1, items: e164 },
                to: { type: 'array', minItems: 1, items: e164 },
                team: id,
              },
            },
          },
          teams: { type: 'array', minItems: 1, items: team },
          patientLookup,
          recording,
        },
      },
    },
    staff: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'practice', 'endpoint', 'teams'],
        properties: {
          id,
          name,
          practice: code,
          endpoint: { type: 'string', pattern: '^(\\+[1-9][0-9]{6,14}|sips?:[^\\s@]+@[^\\s]+|client:[A-Za-z0-9_.-]+)$' },
          identity,
          teams: {
            type: 'array',
            minItems: 1,
            items: {
              anyOf: [
                id,
                { type: 'object', additionalProperties: false, required: ['team'], properties: { team: id, priority: { type: 'integer', minimum: 1, maximum: 9 } } },
              ],
            },
          },
        },
      },
    },
    access: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['role'],
        oneOf: [{ required: ['token'] }, { required: ['tokenSha256'] }, { required: ['identity'] }],
        properties: {
          token: { type: 'string', minLength: 8 },
          tokenSha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'the SHA-256 digest of the token: 64 lower-case hex digits (npm run hash-token)' },
          identity,
          name: id,
          readOnly: { type: 'boolean' },
          role: { enum: ['practice', 'staff', 'pcn', 'icb', 'admin'] },
        },
        allOf: [
          grant('practice', { practice: code }),
          grant('staff', { staff: id }),
          grant('pcn', { pcn: code }),
          grant('icb', { icb: code }),
          grant('admin', {}),
        ],
      },
    },
    signIn: {
      type: 'object',
      additionalProperties: false,
      required: ['issuer', 'clientId', 'clientSecret', 'cookieSecret'],
      properties: {
        issuer: { type: 'string', pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost)[:/])', description: 'an https:// issuer URL (http:// only on 127.0.0.1 or localhost, for testing)' },
        clientId: { type: 'string', minLength: 1, maxLength: 500 },
        clientSecret: { type: 'string', minLength: 1 },
        claim: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$', default: 'email' },
        scopes: { type: 'string', pattern: '^openid( [!-~]+)*$', default: 'openid profile email', description: 'space-separated scopes starting with openid' },
        cookieSecret: { type: 'string', minLength: 32, description: 'at least 32 characters' },
        sessionHours: { type: 'number', minimum: 0.25, maximum: 24, default: 8 },
        idleMinutes: { type: 'integer', minimum: 1, maximum: 1440, default: 30 },
      },
    },
  },
} as const;

/** A provider block: exactly these keys once `kind` names the provider (all required but `optional`). */
function provider(kind: string, fields: Record<string, unknown>, optional: string[] = []) {
  return {
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: {
      additionalProperties: false,
      required: ['kind', ...Object.keys(fields).filter((f) => !optional.includes(f))],
      properties: { kind: {}, ...fields },
    },
  };
}

function grant(role: string, scope: Record<string, unknown>) {
  const fields = Object.keys(scope);
  return {
    if: { properties: { role: { const: role } }, required: ['role'] },
    then: {
      additionalProperties: false,
      required: ['role', ...fields],
      properties: { token: {}, tokenSha256: {}, identity: {}, name: {}, readOnly: {}, role: {}, ...scope },
    },
  };
}
