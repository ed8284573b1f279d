/**
 * Which numbers Switchboard will ring back: UK geographic (01, 02), non-geographic (03) and mobile
 * (07) numbers. Premium, special-rate and international numbers are never called back.
 */
const CALLABLE = /^\+44[1237][0-9]{9}$/;

/** The caller's own number, if it can be called back (withheld or foreign numbers cannot). */
export function callableNumber(from: string | undefined): string | undefined {
  return from && CALLABLE.test(from) ? from : undefined;
}

/** Digits keyed in on the phone ("07700900123", "447700900123") → E.164, or undefined if not callable. */
export function keyedUkNumber(digits: string): string | undefined {
  const d = digits.replace(/[^0-9]/g, '');
  const national = d.startsWith('44') && d.length === 12 ? `0${d.slice(2)}` : d;
  if (!/^0[0-9]{10}$/.test(national)) return undefined;
  return callableNumber(`+44${national.slice(1)}`);
}

/** "+447700900123" → "0 7 7 0 0, 9 0 0, 1 2 3": read back digit by digit, in the groups people say. */
export function spokenNumber(e164: string): string {
  const national = `0${e164.slice(3)}`;
  const groups = [national.slice(0, 5), national.slice(5, 8), national.slice(8)];
  return groups.map((g) => g.split('').join(' ')).join(', ');
}

export function spokenLastDigits(e164: string): string {
  return e164.slice(-3).split('').join(' ');
}
