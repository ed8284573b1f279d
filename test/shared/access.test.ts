import t from 'tap';
import { maySearchCalls, maySeeCallerDetails, maySeeStaffFigures } from '../../shared/access.js';
import type { AccessGrant, Practice, RoleScope, Staff } from '../../shared/directory/types.js';

const person = (scope: RoleScope): AccessGrant => ({ ...scope, kind: 'person', actor: 'x', readOnly: false });
const machine = (scope: RoleScope): AccessGrant => ({ ...scope, kind: 'machine', actor: 'x', readOnly: false });
const staff = (id: string, practice: string): Staff => ({ id, name: id, practice, endpoint: 'client:x', teams: ['reception'] });

t.test('a caller\'s details only to the signed-in person handling the call', async (t) => {
  t.ok(maySeeCallerDetails(person({ role: 'staff', staff: 'alice' }), 'alice'), 'Alice, signed in, on her own call');
  t.notOk(maySeeCallerDetails(person({ role: 'staff', staff: 'alice' }), 'bob'), 'not Bob\'s call');
  t.notOk(maySeeCallerDetails(person({ role: 'staff', staff: 'alice' }), undefined), 'not a caller nobody is handling');
  t.notOk(maySeeCallerDetails(machine({ role: 'staff', staff: 'alice' }), 'alice'), 'not with Alice\'s static token');
  t.notOk(maySeeCallerDetails(person({ role: 'practice', practice: 'F81001' }), 'alice'), 'not the practice manager');
  t.notOk(maySeeCallerDetails(machine({ role: 'practice', practice: 'F81001' }), 'alice'), 'not a shared wallboard');
});

t.test('a person\'s own figures to them and their practice only', async (t) => {
  const bob = staff('bob', 'F81001');
  t.ok(maySeeStaffFigures(person({ role: 'staff', staff: 'bob' }), bob), 'Bob');
  t.notOk(maySeeStaffFigures(person({ role: 'staff', staff: 'alice' }), bob), 'not Alice');
  t.ok(maySeeStaffFigures(person({ role: 'practice', practice: 'F81001' }), bob), 'his practice manager');
  t.notOk(maySeeStaffFigures(person({ role: 'practice', practice: 'F81002' }), bob), 'not another practice\'s');
  t.notOk(maySeeStaffFigures(person({ role: 'pcn', pcn: 'U12345' }), bob), 'not the PCN');
  t.notOk(maySeeStaffFigures(person({ role: 'icb', icb: 'QH8' }), bob), 'not the ICB');
});

t.test("searching a practice's calls: its practice managers only, never a read-only screen", async (t) => {
  const riverside = { ods: 'F81001', pcn: 'U12345' } as Practice;
  t.ok(maySearchCalls(person({ role: 'practice', practice: 'F81001' }), riverside), 'its practice manager, signed in');
  t.ok(maySearchCalls(machine({ role: 'practice', practice: 'F81001' }), riverside), 'its practice token');
  t.notOk(maySearchCalls({ ...machine({ role: 'practice', practice: 'F81001' }), readOnly: true }, riverside), 'not its read-only wallboard token');
  t.notOk(maySearchCalls(person({ role: 'practice', practice: 'F81002' }), riverside), "not another practice's manager");
  t.notOk(maySearchCalls(person({ role: 'staff', staff: 'alice' }), riverside), 'not a member of staff');
  t.notOk(maySearchCalls(person({ role: 'pcn', pcn: 'U12345' }), riverside), 'not the PCN');
  t.notOk(maySearchCalls(person({ role: 'icb', icb: 'QH8' }), riverside), 'not the ICB');
  t.notOk(maySearchCalls(machine({ role: 'admin' }), riverside), 'not an admin token');
});
