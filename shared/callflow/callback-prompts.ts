import { roundedMinutes, type WaitEstimate } from './estimate.js';
import { spokenLastDigits, spokenNumber } from '../callbacks/numbers.js';

/** What callers and staff hear about call-backs: short sentences, numbers read digit by digit. */
export const callbackPrompts = {
  offer: (canBook: boolean) =>
    `To be called back instead, keeping your place in the queue, press 1.${canBook ? ' To choose a time for us to call you back later, press 2.' : ''}`,
  confirmOwn: (number: string) =>
    `We will call you back on the number you are calling from, ending in ${spokenLastDigits(number)}. To confirm, press 1. To give a different number, press 2.`,
  confirmKeyed: (number: string) => `We will call you back on ${spokenNumber(number)}. To confirm, press 1. To enter it again, press 2.`,
  keyIn: () => 'Please key in the UK phone number to call you back on, starting with 0, then press the hash key.',
  notUk: () => 'Sorry, that is not a UK phone number we can call back.',
  backToQueue: () => 'You are still in the queue, in the same place.',
  requested: (estimate: WaitEstimate, practiceName: string, atClosing?: { time: string; mode: 'carry' | 'flag' }) => {
    const when =
      estimate.basis === 'none' || estimate.seconds < 60
        ? 'as soon as someone is free'
        : `in about ${roundedMinutes(estimate.seconds)} minutes${estimate.basis === 'hedged' ? ', but we cannot be sure' : ''}`;
    const closing = !atClosing
      ? ''
      : ` If we cannot call you back before we close at ${atClosing.time}, ${atClosing.mode === 'carry' ? 'we will call you back when we next open' : 'a member of staff will follow up your request'}.`;
    return `Thank you. You have kept your place in the queue. We expect to call you back ${when}. The call will come from ${practiceName}.${closing} You can hang up now.`;
  },
  // "For Tuesday morning …", not "For on Tuesday morning …" (the label is worded for "call you back on Tuesday …").
  chooseWindow: (labels: string[]) => `${labels.map((l, i) => `For ${l.replace(/^on /, '')}, press ${i + 1}.`).join(' ')}`,
  booked: (label: string, number: string) =>
    `Thank you. We will call you back ${label}, on the number ending in ${spokenLastDigits(number)}. You can hang up now.`,
  staffIntro: (minutesAgo: number) =>
    `Call-back to a patient who asked ${minutesAgo < 1 ? 'less than a minute' : `${minutesAgo} minute${minutesAgo === 1 ? '' : 's'}`} ago. Connecting you now.`,
  staffNotNeeded: () => 'This call-back is no longer needed. Thank you.',
  staffNoAnswer: (willRetry: boolean) =>
    willRetry ? 'The patient did not answer. We will try again later.' : 'The patient did not answer again. The call-back is now listed for staff to follow up.',
  staffDone: () => 'Call-back finished. Thank you.',
};
