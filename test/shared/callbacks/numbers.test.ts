import t from 'tap';
import { callableNumber, keyedUkNumber, spokenLastDigits, spokenNumber } from '../../../shared/callbacks/numbers.js';

t.test('which numbers are called back', async (t) => {
  t.equal(callableNumber('+447700900123'), '+447700900123', 'a UK mobile');
  t.equal(callableNumber('+441375100001'), '+441375100001', 'a UK landline');
  t.equal(callableNumber('+443001234567'), '+443001234567', '03 non-geographic');
  t.equal(callableNumber('anonymous'), undefined, 'withheld');
  t.equal(callableNumber('+266696687'), undefined, "Twilio's anonymous caller id");
  t.equal(callableNumber('+33612345678'), undefined, 'international');
  t.equal(callableNumber('+449091234567'), undefined, 'premium rate');
  t.equal(callableNumber(undefined), undefined);
});

t.test('numbers keyed in on the phone', async (t) => {
  t.equal(keyedUkNumber('07700900999'), '+447700900999');
  t.equal(keyedUkNumber('447700900999'), '+447700900999', 'with the country code');
  t.equal(keyedUkNumber('01375 100001'), '+441375100001');
  t.equal(keyedUkNumber('0770090099'), undefined, 'too short');
  t.equal(keyedUkNumber('077009009999'), undefined, 'too long');
  t.equal(keyedUkNumber('08001234567'), undefined, 'freephone numbers are not called back');
  t.equal(keyedUkNumber('09091234567'), undefined, 'premium rate');
});

t.test('numbers read back', async (t) => {
  t.equal(spokenNumber('+447700900123'), '0 7 7 0 0, 9 0 0, 1 2 3');
  t.equal(spokenLastDigits('+447700900123'), '1 2 3');
});
