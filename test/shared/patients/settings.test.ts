import t from 'tap';
import { patientDirectory } from '../../fixtures/patients.js';
import { testNhsNumbers } from '../../helpers/fhir.js';
import { isWithheld, numberForms } from '../../../shared/patients/lookup.js';

t.test('patientLookup in the directory: off unless given, defaults, and clear errors', async (t) => {
  const on = patientDirectory('https://fhir.example/R4', 'https://nhs-id.example').practice('F81001')!.patientLookup!;
  t.match(on, { fhirBaseUrl: 'https://fhir.example/R4', adjustments: { team: 'care-coordination', callbackAtOnce: true, headOfQueue: false, ringSeconds: 45 } });
  const yaml = (settings: string) => patientDirectory('x', 'https://nhs-id.example', settings).data; // parsed: valid
  t.equal(yaml(`{ fhirBaseUrl: "https://a.example", auth: { tokenUrl: "https://a.example/token", clientId: sb, clientSecret: secret-123 } }`).practices[0]!.patientLookup!.budgetMs, 300);

  const problems = (settings: string) => {
    try {
      patientDirectory('x', 'https://nhs-id.example', settings);
    } catch (err) {
      return (err as { problems: string[] }).problems.join('\n');
    }
    return '';
  };
  t.match(problems(`{ fhirBaseUrl: "https://a.example", auth: { bearerToken: long-enough }, adjustments: { team: nursing } }`), /patientLookup\.adjustments\.team: team nursing is not a team of F81001 or its PCN/);
  t.match(problems(`{ fhirBaseUrl: "ftp://a.example", auth: { bearerToken: long-enough } }`), /patientLookup\.fhirBaseUrl: "ftp:\/\/a\.example" is not valid here \(an http\(s\) URL\)/);
  t.match(problems(`{ fhirBaseUrl: "https://a.example", auth: { clientId: sb } }`), /patientLookup\.auth: needs bearerToken, or tokenUrl, clientId and clientSecret/);
  t.match(problems(`{ fhirBaseUrl: "https://a.example", auth: { bearerToken: long-enough }, budgetMs: 10 }`), /budgetMs: must be >= 50/);
  t.match(problems(`{ auth: { bearerToken: long-enough } }`), /"fhirBaseUrl" is required/);
});

t.test('numbers and NHS numbers', async (t) => {
  t.same(numberForms('+447700900001'), ['+447700900001', '07700900001'], 'a UK number in both forms a clinical system may hold');
  t.same(numberForms('+33142685300'), ['+33142685300'], 'others as they came');
  for (const withheld of ['anonymous', '', '+266696687', 'Restricted']) t.ok(isWithheld(withheld), `${JSON.stringify(withheld)} is withheld`);
  t.notOk(isWithheld('+441375200002'));
  // Modulus 11 by hand: 999 000 101 → 9×10 + 9×9 + 9×8 + 1×4 + 1×2 = 249; 249 mod 11 = 7; 11 − 7 = 4.
  t.equal(testNhsNumbers(1, 101)[0], '9990001014');
  t.ok(testNhsNumbers(50).every((n) => /^999\d{7}$/.test(n)));
});
