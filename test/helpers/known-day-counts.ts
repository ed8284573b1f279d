/**
 * The known day (test/helpers/known-day.ts) counted by hand, in the API's columns. Hours are
 * London wall clock. Seconds signed in are worked out from the timeline, e.g. Alice: 07:50 to
 * 12:30 is 16,800 s, of which on a call 08:00:10–08:03:30 (200 s) and 08:30:05–08:32:00 (115 s),
 * in wrap-up 08:03:30–08:04:30 and 08:32:00–08:33:00, available the rest.
 */
export const STAFF_TOTALS = {
  //        answered cb-made talk mean  p90   wrap ring  signed  avail  on-call away
  alice: [1, 1, 200, 200, 240, 120, 0, 16800, 16365, 315, 0],
  bob: [1, 0, 95, 95, 120, 60, 1, 14400, 13305, 95, 940],
  carol: [1, 0, 400, 400, 600, 60, 0, 6900, 6440, 400, 0],
  hana: [2, 0, 91, 46, 90, 120, 0, 3600, 3389, 91, 0],
} as const;

/** Alice's and Bob's hours with anything in them; every other hour of theirs is all zeros. */
export const STAFF_HOURS: Record<string, Record<string, readonly (number | null)[]>> = {
  alice: {
    '07:00': [0, 0, 0, null, null, 0, 0, 600, 600, 0, 0],
    '08:00': [1, 1, 200, 200, 240, 120, 0, 3600, 3165, 315, 0],
    '09:00': [0, 0, 0, null, null, 0, 0, 3600, 3600, 0, 0],
    '10:00': [0, 0, 0, null, null, 0, 0, 3600, 3600, 0, 0],
    '11:00': [0, 0, 0, null, null, 0, 0, 3600, 3600, 0, 0],
    '12:00': [0, 0, 0, null, null, 0, 0, 1800, 1800, 0, 0],
  },
  bob: {
    '08:00': [1, 0, 95, 95, 120, 60, 1, 3600, 3405, 95, 40],
    '09:00': [0, 0, 0, null, null, 0, 0, 3600, 2700, 0, 900],
    '10:00': [0, 0, 0, null, null, 0, 0, 3600, 3600, 0, 0],
    '11:00': [0, 0, 0, null, null, 0, 0, 3600, 3600, 0, 0],
  },
};

export const TEAM_TOTALS = {
  //                   offered answered abandoned cb-req in out mean  p90   within% staff-hours
  'F81001.reception': [6, 3, 2, 1, 0, 1, 78, 180, 66.7, 8.67],
  'F81001.prescriptions': [0, 0, 0, 0, 1, 0, null, null, null, 5.92],
  'U12345.hub': [2, 2, 0, 0, 0, 0, 10, 30, 100, 1],
} as const;

/** Reception's hours with anything in them. */
export const RECEPTION_HOURS: Record<string, readonly (number | null)[]> = {
  '07:00': [0, 0, 0, 0, 0, 0, null, null, null, 0.17],
  '08:00': [5, 3, 1, 1, 0, 1, 78, 180, 66.7, 2],
  '09:00': [1, 0, 1, 0, 0, 0, null, null, null, 2],
  '10:00': [0, 0, 0, 0, 0, 0, null, null, null, 2],
  '11:00': [0, 0, 0, 0, 0, 0, null, null, null, 2],
  '12:00': [0, 0, 0, 0, 0, 0, null, null, null, 0.5],
};

/**
 * Riverside's (F81001) call records of the known day, by arrival, as the timeline in known-day.ts
 * gives them: who answered (not who was rung: C8 hung up while Alice's phone rang), waits to the
 * answer or to the end of the call, and each number's last four digits (`null`: withheld).
 */
export interface KnownCall {
  callId: string;
  /** London wall clock, HH:MM:SS. */
  arrived: string;
  answered: string | null;
  ended: string;
  team: string;
  overflowedTo: string[];
  answeredBy: string | null;
  outcome: string;
  wait: number;
  talk: number;
  last4: string | null;
}

export const RIVERSIDE_CALLS: readonly KnownCall[] = [
  { callId: 'twilio:CA-day-1', arrived: '08:00:00', answered: '08:00:10', ended: '08:03:30', team: 'F81001.reception', overflowedTo: [], answeredBy: 'alice', outcome: 'answered', wait: 10, talk: 200, last4: '0001' },
  { callId: 'twilio:CA-day-2', arrived: '08:01:00', answered: '08:02:05', ended: '08:03:40', team: 'F81001.reception', overflowedTo: [], answeredBy: 'bob', outcome: 'answered', wait: 65, talk: 95, last4: '0002' },
  { callId: 'twilio:CA-day-3', arrived: '08:05:00', answered: null, ended: '08:06:30', team: 'F81001.reception', overflowedTo: [], answeredBy: null, outcome: 'abandoned', wait: 90, talk: 0, last4: '0003' },
  { callId: 'twilio:CA-day-4', arrived: '08:10:00', answered: '08:12:40', ended: '08:19:20', team: 'F81001.reception', overflowedTo: ['F81001.prescriptions'], answeredBy: 'carol', outcome: 'answered', wait: 160, talk: 400, last4: '0004' },
  { callId: 'twilio:CA-day-5', arrived: '08:20:00', answered: null, ended: '08:21:10', team: 'F81001.reception', overflowedTo: [], answeredBy: null, outcome: 'callback-requested', wait: 70, talk: 0, last4: '0005' },
  { callId: 'twilio:CA-day-6', arrived: '09:10:00', answered: '09:10:00', ended: '09:10:30', team: 'U12345.hub', overflowedTo: [], answeredBy: 'hana', outcome: 'answered', wait: 0, talk: 30, last4: '0006' },
  { callId: 'twilio:CA-day-8', arrived: '09:40:00', answered: null, ended: '09:40:15', team: 'F81001.reception', overflowedTo: [], answeredBy: null, outcome: 'abandoned', wait: 15, talk: 0, last4: '0008' },
  { callId: 'twilio:CA-day-ivr', arrived: '10:30:00', answered: null, ended: '10:30:00', team: '', overflowedTo: [], answeredBy: null, outcome: 'ivr', wait: 0, talk: 0, last4: null },
];
