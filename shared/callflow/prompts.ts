import { roundedMinutes, type WaitEstimate } from './estimate.js';

/**
 * Everything a caller hears, in plain words and short sentences: callers include people for whom
 * phoning is hard, so positions are numerals and times are rounded.
 */
export const prompts = {
  greeting: (practiceName: string) => `Thank you for calling ${practiceName}.`,
  connecting: () => 'Putting you through now.',
  position: (position: number) =>
    position === 1 ? 'You are number 1 in the queue. You are next.' : `You are number ${position} in the queue.`,
  wait: (estimate: WaitEstimate) => {
    if (estimate.basis === 'none') return 'We will answer as soon as someone is free.';
    if (estimate.seconds < 60) return 'We expect to answer you in less than a minute.';
    if (estimate.seconds > 3600) return 'The wait is likely to be more than an hour.';
    const m = roundedMinutes(estimate.seconds);
    const time = `about ${m} minute${m === 1 ? '' : 's'}`;
    return estimate.basis === 'hedged'
      ? `The wait may be ${time}, but we cannot be sure yet.`
      : `The wait is ${time}.`;
  },
  stillWaiting: () => 'Sorry, nobody could take your call just then. You have kept your place.',
  holding: () => 'Sorry, please hold on. We will be with you shortly.',
  goodbye: () => 'Thank you for calling. Goodbye.',
  outOfHours: (message: string, reopens?: string) => (reopens ? `${message} We open again at ${reopens} today.` : message),
  notAnOption: () => 'Sorry, that is not one of the options.',
  noChoice: () => 'Sorry, we did not hear a choice.',
  menuFallback: (teamName: string) => `We will put you through to ${teamName}.`,
  teamClosed: (teamName: string) => `${teamName} is closed at the moment. Please call again when it is open. Goodbye.`,
  transferring: () => 'Transferring your call now.',
};
