import { FAKE_CODE } from '../support/fake-bot-services.ts';
import { ALEX, SAM } from './support/fixture.ts';
import { describeTranscripts, type TranscriptCase } from './support/transcripts.ts';

// Profile changes (dialogs/profile-update.dialog.ts, dialogs/profile-view.dialog.ts): which
// detail, the new value (validated), a read-back (corrections welcome), a one-time code, then the change.

const CODE_SENT = "To keep your account safe, I've texted a 6-digit code to your number ending 0001.";

const cases: TranscriptCase[] = [
  {
    name: 'field and value in one message: read back, code, done',
    steps: [
      ['change my email to alex.m@newmail.com', 'Change your email to alex.m@newmail.com?'],
      ['yes', CODE_SENT],
      [FAKE_CODE, 'Done. Your email is now alex.m@newmail.com.'],
    ],
    does: [
      ['sendVerificationCode', { target: { customerId: ALEX }, purpose: 'profile.update' }],
      ['checkVerificationCode', { answer: FAKE_CODE }],
      ['updateProfile', { customerId: ALEX, change: { field: 'email', value: 'alex.m@newmail.com' }, idempotencyKey: 'profile-conversation-1-in-3' }],
    ],
    reason: 'profile.update',
  },
  {
    name: 'a half-typed email is asked again, then corrected at the read-back ("no, it\'s …")',
    steps: [
      ['i need to update my email', 'What is the new email address?'],
      ['alex.morgan@gmail', "That doesn't look like an email address."],
      ['alex.morgan@gmail.com', 'Change your email to alex.morgan@gmail.com?'],
      ["no, it's alex.morgan@outlook.com", 'Change your email to alex.morgan@outlook.com?'],
      ['yes', CODE_SENT],
      [FAKE_CODE, 'Done. Your email is now alex.morgan@outlook.com.'],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode'], ['updateProfile', { change: { field: 'email', value: 'alex.morgan@outlook.com' } }]],
  },
  {
    name: '"resend" texts a new code before the change',
    steps: [
      ['change my email to alex.m@newmail.com', 'Change your email'],
      ['yes', CODE_SENT],
      ['resend', "I've texted you a new code."],
      [FAKE_CODE, 'Done.'],
    ],
    does: [['sendVerificationCode'], ['sendVerificationCode'], ['checkVerificationCode'], ['updateProfile', { change: { field: 'email' } }]],
  },
  {
    name: 'a toggle picked from the list of details, turned off',
    steps: [
      ['update my details', 'Which detail would you like to change?'],
      ['paperless billing', 'Paperless billing is on now. Turn it on or off?'],
      ['off', 'Turn paperless billing off (bills by post)?'],
      ['yes', CODE_SENT],
      [FAKE_CODE, 'Done. Paperless billing is now off: your bills will come by post.'],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode'], ['updateProfile', { change: { field: 'paperlessBill', value: false } }]],
  },
  {
    name: '"stop sending me promotional texts" turns marketing texts off (not every text)',
    customer: SAM,
    steps: [
      ['stop sending me promotional texts', 'Turn marketing texts off?'],
      ['yes', "I've texted a 6-digit code to your number ending 0002."],
      [FAKE_CODE, "Done. You won't get marketing texts from us."],
    ],
    does: [['sendVerificationCode', { target: { customerId: SAM } }], ['checkVerificationCode'], ['updateProfile', { customerId: SAM, change: { field: 'marketingTexts', value: false } }]],
  },
  {
    name: 'a value already on file changes nothing and sends no code',
    steps: [['change my email to alex@example.com', "That's what we already have on file, so there's nothing to change."]],
    reason: 'profile.update.unchanged',
  },
  {
    name: '"no" at the read-back changes nothing',
    steps: [
      ['change my email to a@b.co', 'Change your email to a@b.co?'],
      ['no', "OK, I haven't changed anything."],
    ],
    reason: 'profile.update.declined',
  },
  {
    name: '"never mind" while asked for the address drops it',
    steps: [
      ['change my address', 'What is the new postal address?'],
      ['never mind', "OK, I've dropped that."],
    ],
  },
  {
    name: 'the details on file are shown on request',
    steps: [['what details do you have on file for me', 'On file: Alex Morgan. Phone: +15551230001. Email: alex@example.com. Address: 12 Main Street, Oakland 94612.']],
    reason: 'profile.view',
  },
  {
    name: '"I moved" then an address without a state keeps the whole city name',
    steps: [
      ['I moved', 'What is the new postal address?'],
      ['55 Oak Avenue, Berkeley 94704', 'Change your postal address to 55 Oak Avenue, Berkeley 94704?'],
    ],
  },
  {
    name: "the bot's own example address is read back exactly and stored as read",
    customer: SAM,
    steps: [
      ['change my address', 'What is the new postal address?'],
      ['12 Main Street, Oakland 94612', 'Change your postal address to 12 Main Street, Oakland 94612?'],
      ['yes', 'texted a 6-digit code to your number ending 0002'],
      [FAKE_CODE, 'Done. Your postal address is now 12 Main Street, Oakland 94612.'],
    ],
    does: [['sendVerificationCode'], ['checkVerificationCode'], ['updateProfile', { customerId: SAM, change: { field: 'postalAddress', value: { street: '12 Main Street', city: 'Oakland', postCode: '94612' } } }]],
  },
  {
    name: 'an address in the demo data\'s own format (with an apartment) is accepted',
    steps: [
      ['change my address', 'What is the new postal address?'],
      ['530 Dwight Way, Apt 14, Berkeley 94704', 'Change your postal address to 530 Dwight Way, Apt 14, Berkeley 94704?'],
    ],
  },
  {
    name: 'a lower-case address with a state and ZIP+4, no commas, is read back capitalised',
    steps: [
      ['change my address', 'What is the new postal address?'],
      ['1 market st apt 200 san francisco ca 94105-1234', 'Change your postal address to 1 Market St Apt 200, San Francisco 94105-1234?'],
    ],
  },
  {
    name: 'an address without its ZIP code is refused with what is missing, then accepted',
    customer: SAM,
    steps: [
      ['change my address', 'What is the new postal address?'],
      ['12 Main Street, Oakland', 'I also need the 5-digit ZIP code at the end, e.g. 12 Main Street, Oakland 94612.'],
      ['12 Main Street, Oakland 94612', 'Change your postal address to 12 Main Street, Oakland 94612?'],
    ],
  },
  {
    name: '"contact me by phone call from now on" changes the contact channel',
    steps: [['please contact me by phone call from now on', 'Send you updates by phone call from now on?']],
  },
];

describeTranscripts('profile update transcripts', cases);
