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
