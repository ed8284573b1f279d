import t from 'tap';
import { announcedSeconds } from '../../loadtest/callers.js';
import { accuracy } from '../../loadtest/report.js';

t.test('figures told to callers against what happened: "about N minutes" as a point, "less than a minute" by what it says', async (t) => {
  const less = announcedSeconds('We expect to answer you in less than a minute.')!;
  const pairs = [
    { told: announcedSeconds('The wait is about 5 minutes.')!, actual: 240 }, // 60 s out: 25%
    { told: announcedSeconds('The wait is about 2 minutes.')!, actual: 200 }, // 80 s out: 40%
    { told: less, actual: 10 }, // right: answered within the minute (as 30 s: 20 s out, 200%)
    { told: less, actual: 90 }, // 30 s past the minute: 33% (as 30 s: 60 s out, 67%)
    { told: announcedSeconds('The wait is about 10 minutes.')!, actual: 400 }, // 200 s out: 50%
  ];
  t.same(pairs.map((p) => p.told), [300, 120, 30, 30, 600]);
  const a = accuracy(pairs);
  // Errors 60, 80, 0, 30, 200 s; shares 25, 40, 0, 33.3, 50%.
  t.equal(a.samples, 5);
  t.equal(a.medianAbsError, 60);
  t.equal(a.medianRelativeErrorPct, 33);
  t.equal(a.medianActual, 200);
  // As earlier reports counted: shares 25, 40, 200, 66.7, 50%.
  t.equal(a.asPoint.medianRelativeErrorPct, 50);
  // p90 of five: the largest (loadtest/random.ts quantile).
  t.equal(a.p90AbsError, 200);
  t.equal(a.p90RelativeErrorPct, 50);
  t.equal(a.asPoint.p90RelativeErrorPct, 200, 'a true "less than a minute" counted as 30 s was 200% out');
  t.equal(announcedSeconds('We will answer as soon as someone is free.'), undefined, 'no figure, no sample');
});
