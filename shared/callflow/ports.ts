import type { Practice } from '../directory/types.js';
import type { QueueView } from '../queue/queue.js';
import type { WaitEstimate } from './estimate.js';
import type { Instruction, OutboundCall } from './instructions.js';

/** A live call as its provider knows it. */
export interface LiveCall {
  practice: Practice;
  /** Our id for the call: `<provider>:<provider's call id>`. */
  callId: string;
  providerCallId: string;
}

/** What the flow needs from a provider's REST API; each adapter implements it. */
export interface LiveCallControl {
  /**
   * Replace whatever the call is doing with these instructions, now.
   * Resolves 'gone' when the provider cannot reach the call: it has ended, or (a young call) its
   * first answer has not been acted on yet. Rejects on any other failure.
   */
  redirect(call: LiveCall, instructions: Instruction[]): Promise<'ok' | 'gone'>;
  /**
   * Whether the call is still going, by the provider's REST API: 'over' once it has ended however
   * it ended. Rejects when the provider does not say. Absent where the adapter cannot ask (its
   * callers whose final status callback is lost are then not reconciled).
   */
  status?(call: LiveCall): Promise<'live' | 'over'>;
  /**
   * Place an outbound call from the practice's account; resolves the provider's call id. Absent
   * where the adapter cannot yet (call-backs are then not offered to that provider's callers).
   */
  placeCall?(practice: Practice, call: OutboundCall): Promise<string>;
  /** Whether placeCall can call from this practice's account (it may need settings the practice lacks); absent: always. */
  canPlaceCall?(practice: Practice): boolean;
}

/**
 * How long a caller (or a call-back holding a place) at this place in the queue can expect to wait:
 * what they are told, and the time a call-back is promised. Answered from memory, never a round
 * trip: it is asked on every turn of the wait loop.
 */
export interface WaitEstimator {
  estimate(practice: Practice, view: QueueView): WaitEstimate;
}

export function callIdOf(provider: string, providerCallId: string): string {
  return `${provider}:${providerCallId}`;
}
