/** JSON Schema of the directory file. Defaults here are the documented defaults (docs/directory.md). */

const code = { type: 'string', pattern: '^[A-Z0-9]{3,10}$' } as const;
const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const e164 = { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' } as const;
const clockTime = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;

export const directorySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['icb', 'practices'],
  properties: {
    icb: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'name'],
      properties: { code, name },
    },
    pcns: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name'],
        properties: { code, name },
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
          ods: code,
          name,
          pcn: code,
          numbers: { type: 'array', minItems: 1, items: e164 },
          provider: {
            type: 'object',
            required: ['kind'],
            properties: { kind: { enum: ['twilio'] } },
            if: { properties: { kind: { const: 'twilio' } } },
            then: {
              additionalProperties: false,
              required: ['kind', 'accountSid', 'authToken'],
              properties: {
                kind: { const: 'twilio' },
                accountSid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' },
                authToken: { type: 'string', minLength: 8 },
              },
            },
          },
          announceEverySeconds: { type: 'integer', minimum: 10, maximum: 300, default: 30 },
          wrapUpSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 15 },
          ringSeconds: { type: 'integer', minimum: 5, maximum: 120, default: 20 },
          voice: { type: 'string', minLength: 1 },
          language: { type: 'string', pattern: '^[a-z]{2}-[A-Z]{2}$', default: 'en-GB' },
          holdMusicUrl: { type: 'string', pattern: '^https?://' },
          callRecordRetentionDays: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
          callbackOfferAfterSeconds: { type: 'integer', minimum: 0, maximum: 7200, default: 120 },
          callbackRetrySeconds: { type: 'integer', minimum: 30, maximum: 7200, default: 300 },
          callbackAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
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
          teams: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'name'],
              properties: { id, name, callback: { type: 'boolean', default: true } },
            },
          },
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
          teams: { type: 'array', minItems: 1, items: id },
        },
      },
    },
    access: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['token', 'role'],
        properties: {
          token: { type: 'string', minLength: 8 },
          role: { enum: ['practice', 'staff', 'pcn', 'icb'] },
        },
        allOf: [
          grant('practice', { practice: code }),
          grant('staff', { staff: id }),
          grant('pcn', { pcn: code }),
          grant('icb', { icb: code }),
        ],
      },
    },
  },
} as const;

function grant(role: string, scope: Record<string, unknown>) {
  const [field] = Object.keys(scope);
  return {
    if: { properties: { role: { const: role } }, required: ['role'] },
    then: {
      additionalProperties: false,
      required: ['token', 'role', field],
      properties: { token: {}, role: {}, ...scope },
    },
  };
}
