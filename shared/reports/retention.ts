import type { Practice } from '../directory/types.js';
import type { ReportCounting } from '../queue/queue.js';
import { DAY_MS } from './layout.js';

/** How the queue scripts count a practice's calls and staff time for the reports: its answer target, and figures kept `reportRetentionDays` (else as long as its call records). */
export function reportCounting(practice: Practice): ReportCounting {
  return { answerTargetSeconds: practice.answerTargetSeconds, ttlMs: (practice.reportRetentionDays ?? practice.callRecordRetentionDays) * DAY_MS };
}
