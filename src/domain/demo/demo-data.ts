import type {
  AccountStatus,
  ChargeType,
  CustomerStatus,
  ProductStatus,
  ServiceType,
  StaffRole,
} from '../../generated/prisma/enums.ts';

// The demo data `npm run setup` seeds and demos, examples and tests rely on. Everything here is
// a constant: the generated customers come from a seeded PRNG, so every run yields the same
// names, products and amounts. Only dates depend on when the data is seeded (see
// demoBillingPeriod), always relative to the bill cycle, never to the amounts.

/** A TMF620 ProductOffering row. Prices are decimal strings ("65.00"), never floats. */
export interface DemoOffering {
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly serviceType: ServiceType;
  readonly isAddOn: boolean;
  readonly recurringPrice: string;
  readonly oneTimePrice: string;
  readonly commitmentMonths: number;
  /** Words customers use for it. */
  readonly keywords: readonly string[];
  /** For add-ons: the base offering codes they can be added to. */
  readonly compatibleWith: readonly string[];
  /** Offering codes a customer cannot hold together with this one (listed on both sides). */
  readonly incompatibleWith?: readonly string[];
  /** Postcodes (Customer.serviceArea) where it is sold; absent means everywhere. */
  readonly availableAreas?: readonly string[];
}

export interface DemoPostalAddress {
  readonly street: string;
  readonly city: string;
  readonly postCode: string;
  readonly country: string;
}

/** A product in the customer's inventory (TMF637), billed on the account. */
export interface DemoProduct {
  /** Unique within the customer: the offering code, with "-previous" for a replaced product. */
  readonly key: string;
  readonly offeringCode: string;
  readonly serviceType: ServiceType;
  /** The MSISDN for mobile, a line id for internet and landline, a set-top box id for TV. */
  readonly serviceIdentifier: string;
  readonly status: ProductStatus;
  /** Started during the period of the bill this many cycles back (0 = the latest bill). */
  readonly startedCyclesAgo: number;
  /** Set for terminated products: ended during the period this many cycles back. */
  readonly terminatedCyclesAgo?: number;
}

/** One line on a bill (TMF678 AppliedCustomerBillingRate). */
export interface DemoCharge {
  readonly chargeType: ChargeType;
  readonly description: string;
  /** Decimal string; negative for credits. */
  readonly amount: string;
  /** The DemoProduct.key the line is for; absent for taxes and account-level credits. */
  readonly productKey?: string;
}

export interface DemoBill {
  /** The bill number, quoted to customers as INV-<number>. */
  readonly number: number;
  /** 0 = the latest bill, 1 = the one before, ... */
  readonly cyclesAgo: number;
  /**
   * True: the customer pays by the due date (the bill reads `settled` once its due date has
   * passed, `sent` until then). False: the bill stays unpaid, so it is overdue once due.
   */
  readonly paidOnTime: boolean;
  /** Exactly the sum of the charges. */
  readonly amountDue: string;
  readonly charges: readonly DemoCharge[];
}

export interface DemoAccount {
  readonly accountNumber: string;
  readonly status: AccountStatus;
  readonly billCycleDay: number;
  readonly paperlessBill: boolean;
}

export interface DemoCustomer {
  /** 1 for Alex Morgan, 2 for Sam Rivera, 3... for the generated customers. */
  readonly number: number;
  readonly givenName: string;
  readonly familyName: string;
  readonly status: CustomerStatus;
  /** E.164; the customer's preferred contact number and, for mobile customers, their MSISDN. */
  readonly phoneNumber: string;
  readonly email: string;
  readonly postalAddress: DemoPostalAddress;
  /** The postcode outages are matched on. */
  readonly serviceArea: string;
  readonly account: DemoAccount;
  readonly products: readonly DemoProduct[];
  /** Oldest first. */
  readonly bills: readonly DemoBill[];
}

export interface DemoOutage {
  readonly serviceType: ServiceType;
  readonly area: string;
  readonly description: string;
  readonly startedHoursAgo: number;
  readonly expectedRestoreInHours: number;
}

export interface DemoStaffUser {
  readonly email: string;
  readonly name: string;
  readonly role: StaffRole;
}

export interface BillingPeriod {
  readonly billDate: Date;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly dueDate: Date;
}

/** Days between a bill's date and its due date. */
export const DEMO_PAYMENT_TERM_DAYS = 21;
/** Sales tax and regulatory fees applied to every bill's net charges. */
export const DEMO_TAX_RATE_BASIS_POINTS = 825;
/** Demo only: the password of every demo staff user. */
export const DEMO_STAFF_PASSWORD = 'demo-password';

const FIBER_CODES = ['FIBER-300', 'FIBER-1G', 'FIBER-2G'] as const;
const MOBILE_CODES = ['MOBILE-ESSENTIALS', 'MOBILE-UNLIMITED', 'MOBILE-UNLIMITED-PLUS'] as const;
const TV_CODES = ['TV-BASIC', 'TV-MAX'] as const;
/** Where Fiber 2 Gig is sold (every demo customer who has it lives in one of them). */
export const MULTI_GIG_AREAS = ['94107', '94110', '94122', '94612', '94704'] as const;

export const DEMO_OFFERINGS: readonly DemoOffering[] = [
  {
    code: 'FIBER-300',
    name: 'Fiber 300',
    description: 'Fiber internet at 300 Mbps download and upload, Wi-Fi 6 router included, no data cap.',
    serviceType: 'internet',
    isAddOn: false,
    recurringPrice: '50.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['fiber', 'internet', 'broadband', 'wifi', '300', 'basic internet'],
    compatibleWith: [],
    // Fiber 300 runs on shared (CGNAT) addressing: no fixed public IP on it.
    incompatibleWith: ['ADDON-STATIC-IP'],
  },
  {
    code: 'FIBER-1G',
    name: 'Fiber 1 Gig',
    description: 'Fiber internet at 1 Gbps download and upload, Wi-Fi 6 router included, no data cap.',
    serviceType: 'internet',
    isAddOn: false,
    recurringPrice: '65.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['fiber', 'internet', 'broadband', 'gig', 'gigabit', '1 gig', 'fast'],
    compatibleWith: [],
  },
  {
    code: 'FIBER-2G',
    name: 'Fiber 2 Gig',
    description:
      'Fiber internet at 2 Gbps download and upload with a Wi-Fi 7 router and professional installation.',
    serviceType: 'internet',
    isAddOn: false,
    recurringPrice: '95.00',
    oneTimePrice: '99.00',
    commitmentMonths: 12,
    keywords: ['fiber', 'internet', 'broadband', '2 gig', 'multi-gig', 'fastest', 'gaming'],
    compatibleWith: [],
    // Multi-gig needs upgraded street cabinets: sold only where they are.
    availableAreas: [...MULTI_GIG_AREAS],
  },
  {
    code: 'MOBILE-ESSENTIALS',
    name: 'Mobile Essentials',
    description: 'Unlimited talk and text with 5 GB of high-speed data; extra data at $5 per GB.',
    serviceType: 'mobile',
    isAddOn: false,
    recurringPrice: '30.00',
    oneTimePrice: '10.00',
    commitmentMonths: 0,
    keywords: ['mobile', 'cell', 'phone plan', 'cheap', 'basic', 'essentials', '5gb'],
    compatibleWith: [],
  },
  {
    code: 'MOBILE-UNLIMITED',
    name: 'Mobile Unlimited',
    description: 'Unlimited talk, text and 5G data, with 15 GB of hotspot.',
    serviceType: 'mobile',
    isAddOn: false,
    recurringPrice: '55.00',
    oneTimePrice: '10.00',
    commitmentMonths: 0,
    keywords: ['mobile', 'cell', 'unlimited', 'unlimited data', '5g', 'hotspot'],
    compatibleWith: [],
    // Unlimited data already: a data pack makes no sense on it.
    incompatibleWith: ['ADDON-EXTRA-DATA-10GB'],
  },
  {
    code: 'MOBILE-UNLIMITED-PLUS',
    name: 'Mobile Unlimited Plus',
    description:
      'Unlimited premium 5G data, 50 GB of hotspot, and roaming in 200+ countries at no extra charge.',
    serviceType: 'mobile',
    isAddOn: false,
    recurringPrice: '75.00',
    oneTimePrice: '10.00',
    commitmentMonths: 0,
    keywords: ['mobile', 'unlimited', 'premium', 'plus', 'roaming', 'travel', 'hotspot', '5g'],
    compatibleWith: [],
    incompatibleWith: ['ADDON-EXTRA-DATA-10GB'],
  },
  {
    code: 'TV-BASIC',
    name: 'TV Basic',
    description: '80+ live channels including local networks, cloud DVR with 50 hours.',
    serviceType: 'tv',
    isAddOn: false,
    recurringPrice: '35.00',
    oneTimePrice: '25.00',
    commitmentMonths: 0,
    keywords: ['tv', 'television', 'channels', 'cable', 'basic tv', 'local channels'],
    compatibleWith: [],
    // One TV package per set-top box: moving between them is a plan change.
    incompatibleWith: ['TV-MAX'],
  },
  {
    code: 'TV-MAX',
    name: 'TV Max',
    description: '250+ live channels, unlimited cloud DVR and 4K on-demand.',
    serviceType: 'tv',
    isAddOn: false,
    recurringPrice: '80.00',
    oneTimePrice: '25.00',
    commitmentMonths: 0,
    keywords: ['tv', 'television', 'channels', 'cable', '4k', 'dvr', 'premium tv', 'max'],
    compatibleWith: [],
    incompatibleWith: ['TV-BASIC'],
  },
  {
    code: 'HOME-PHONE',
    name: 'Home Phone',
    description: 'A home phone line with unlimited nationwide calling, voicemail and caller ID.',
    serviceType: 'landline',
    isAddOn: false,
    recurringPrice: '20.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['landline', 'home phone', 'house phone', 'fixed line', 'voicemail'],
    compatibleWith: [],
  },
  {
    code: 'ADDON-SPORTS',
    name: 'Sports Package',
    description: 'Regional and national sports networks, including every out-of-market game.',
    serviceType: 'tv',
    isAddOn: true,
    recurringPrice: '15.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['sports', 'football', 'soccer', 'basketball', 'baseball', 'espn', 'games'],
    compatibleWith: [...TV_CODES],
  },
  {
    code: 'ADDON-MOVIES',
    name: 'Movies Package',
    description: 'Premium movie channels and a rotating library of new releases on demand.',
    serviceType: 'tv',
    isAddOn: true,
    recurringPrice: '12.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['movies', 'films', 'cinema', 'premium channels', 'hbo'],
    compatibleWith: [...TV_CODES],
  },
  {
    code: 'ADDON-MESH-WIFI',
    name: 'Mesh Wi-Fi Extender',
    description: 'A mesh extender that brings strong Wi-Fi to every room; the device is yours to keep.',
    serviceType: 'internet',
    isAddOn: true,
    recurringPrice: '10.00',
    oneTimePrice: '49.00',
    commitmentMonths: 0,
    keywords: ['wifi', 'mesh', 'extender', 'booster', 'coverage', 'dead zone', 'weak signal'],
    compatibleWith: [...FIBER_CODES],
  },
  {
    code: 'ADDON-STATIC-IP',
    name: 'Static IP',
    description: 'A fixed public IPv4 address for hosting, remote access or a home office.',
    serviceType: 'internet',
    isAddOn: true,
    recurringPrice: '15.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['static ip', 'fixed ip', 'ip address', 'server', 'hosting', 'business'],
    compatibleWith: ['FIBER-1G', 'FIBER-2G'],
    incompatibleWith: ['FIBER-300'],
  },
  {
    code: 'ADDON-INTL-CALLING',
    name: 'International Calling',
    description: '300 minutes a month to 80 countries from your mobile; then 5 cents a minute.',
    serviceType: 'mobile',
    isAddOn: true,
    recurringPrice: '10.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['international', 'calling abroad', 'overseas', 'world', 'call mexico', 'call india'],
    compatibleWith: [...MOBILE_CODES],
  },
  {
    code: 'ADDON-EXTRA-DATA-10GB',
    name: 'Extra Data 10 GB',
    description: '10 GB more high-speed data every month on Mobile Essentials.',
    serviceType: 'mobile',
    isAddOn: true,
    recurringPrice: '10.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['extra data', 'more data', 'data', '10gb', 'data pack', 'top up'],
    compatibleWith: ['MOBILE-ESSENTIALS'],
    incompatibleWith: ['MOBILE-UNLIMITED', 'MOBILE-UNLIMITED-PLUS'],
  },
  {
    code: 'ADDON-DEVICE-PROTECT',
    name: 'Device Protection',
    description: 'Repair or replacement of your phone after loss, theft or a cracked screen.',
    serviceType: 'mobile',
    isAddOn: true,
    recurringPrice: '12.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['insurance', 'protection', 'cracked screen', 'lost phone', 'stolen', 'repair'],
    compatibleWith: [...MOBILE_CODES],
  },
  {
    code: 'ADDON-CALL-PROTECT',
    name: 'Call Protect',
    description: 'Blocks known spam and robocalls on your home phone and labels suspected ones.',
    serviceType: 'landline',
    isAddOn: true,
    recurringPrice: '4.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['spam', 'robocalls', 'call blocking', 'scam calls'],
    compatibleWith: ['HOME-PHONE'],
  },
  {
    code: 'ADDON-WORLD-CALLING',
    name: 'World Calling',
    description: 'Unlimited calls from your home phone to landlines in 60 countries.',
    serviceType: 'landline',
    isAddOn: true,
    recurringPrice: '8.00',
    oneTimePrice: '0.00',
    commitmentMonths: 0,
    keywords: ['international', 'calling abroad', 'overseas', 'world calling', 'home phone abroad'],
    compatibleWith: ['HOME-PHONE'],
  },
];

export const DEMO_OUTAGE: DemoOutage = {
  serviceType: 'internet',
  area: '94110',
  description:
    'Fiber cable cut near Valencia Street: internet is down or intermittent in 94110. Crews are on site.',
  startedHoursAgo: 3,
  expectedRestoreInHours: 5,
};

/** The sign-up form's words for the "offers" marketing program: what demo customers agreed to. */
export const OFFERS_DISCLOSURE =
  'Yes, text me offers and product news from Northwind Telecom at this number. Up to 2 messages a week; message and data rates may apply. Consent is not a condition of purchase. Reply STOP to cancel, HELP for help.';
/** The same for the "retention" program (loyalty and contract-renewal offers). */
export const RETENTION_DISCLOSURE =
  'Yes, text me loyalty rewards and renewal offers from Northwind Telecom at this number. Up to 2 messages a week; message and data rates may apply. Consent is not a condition of purchase. Reply STOP to cancel.';

/**
 * The marketing programs a demo customer signed up for, so a demo campaign has someone to reach:
 * even-numbered customers (Sam Rivera among them) to "offers", every third to "retention"; Alex
 * Morgan to none, so a demo also shows the gate holding for want of consent.
 */
export function demoMarketingPrograms(customer: DemoCustomer): string[] {
  return [...(customer.number % 2 === 0 ? ['offers'] : []), ...(customer.number % 3 === 0 ? ['retention'] : [])];
}

export const DEMO_STAFF: readonly DemoStaffUser[] = [
  { email: 'agent@example.com', name: 'Dana Whitfield', role: 'agent' },
  { email: 'supervisor@example.com', name: 'Chris Okafor', role: 'supervisor' },
  { email: 'marketer@example.com', name: 'Lena Fischer', role: 'marketer' },
  { email: 'admin@example.com', name: 'Robin Tanaka', role: 'admin' },
];

/**
 * The dates of the bill `cyclesAgo` cycles back, for an account billed on `billCycleDay`
 * (1-28): the latest bill is dated on the most recent cycle day at or before `now` (UTC
 * midnight) and covers the month before it.
 */
export function demoBillingPeriod(now: Date, billCycleDay: number, cyclesAgo: number): BillingPeriod {
  const monthsBackToLatest = now.getUTCDate() >= billCycleDay ? 0 : 1;
  const cycleDate = (back: number): Date =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, billCycleDay));
  const billDate = cycleDate(monthsBackToLatest + cyclesAgo);
  const periodStart = cycleDate(monthsBackToLatest + cyclesAgo + 1);
  return {
    billDate,
    periodStart,
    periodEnd: addDays(billDate, -1),
    dueDate: addDays(billDate, DEMO_PAYMENT_TERM_DAYS),
  };
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

const offeringsByCode = new Map(DEMO_OFFERINGS.map((offering) => [offering.code, offering]));

export function demoOffering(code: string): DemoOffering {
  const offering = offeringsByCode.get(code);
  if (!offering) throw new Error(`Unknown demo offering ${code}`);
  return offering;
}

function toCents(amount: string): number {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (!match) throw new Error(`Not a decimal amount with two places: ${amount}`);
  const cents = Number(match[2]) * 100 + Number(match[3]);
  return match[1] === '-' ? -cents : cents;
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** Mulberry32: a tiny seeded PRNG, so the generated customers are the same on every run. */
class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  weighted<T>(items: readonly { readonly weight: number; readonly value: T }[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    let roll = this.next() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item.value;
    }
    return this.pick(items).value;
  }

  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = this.int(0, i);
      const a = copy[i];
      const b = copy[j];
      if (a === undefined || b === undefined) throw new Error('shuffle index out of range');
      copy[i] = b;
      copy[j] = a;
    }
    return copy;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0, 15).toString(16);
    return out.toUpperCase();
  }
}

interface UsageLine {
  readonly cyclesAgo: number;
  readonly productKey: string;
  readonly description: string;
  readonly amountCents: number;
}

interface CreditLine {
  readonly cyclesAgo: number;
  readonly description: string;
  readonly amountCents: number;
}

interface CustomerSpec {
  readonly number: number;
  readonly givenName: string;
  readonly familyName: string;
  readonly status: CustomerStatus;
  readonly email: string;
  readonly postalAddress: DemoPostalAddress;
  readonly account: DemoAccount;
  readonly products: readonly DemoProduct[];
  readonly usage: readonly UsageLine[];
  readonly credits: readonly CreditLine[];
  /** Bills (by cyclesAgo) the customer has not paid. */
  readonly unpaidCycles: readonly number[];
  /** How many bills the account has had (at most 3 are kept). */
  readonly billCount: number;
}

const BILLS_KEPT = 3;
const FIRST_BILL_NUMBER = 10001;

/** Billed from the cycle it started in; a replaced product up to the cycle before its successor took over. */
function isBilledInCycle(product: DemoProduct, cyclesAgo: number): boolean {
  if (product.startedCyclesAgo < cyclesAgo) return false;
  return product.terminatedCyclesAgo === undefined || cyclesAgo > product.terminatedCyclesAgo;
}

/** Every product's monthly charge, setup fees in the period a product started, usage, credits, then tax. */
function buildBill(spec: CustomerSpec, cyclesAgo: number, number: number): DemoBill {
  const lines: { chargeType: ChargeType; description: string; cents: number; productKey?: string }[] = [];
  for (const product of spec.products) {
    if (!isBilledInCycle(product, cyclesAgo)) continue;
    const offering = demoOffering(product.offeringCode);
    lines.push({
      chargeType: 'recurring',
      description: `${offering.name} monthly charge`,
      cents: toCents(offering.recurringPrice),
      productKey: product.key,
    });
    const setupFee = toCents(offering.oneTimePrice);
    if (product.startedCyclesAgo === cyclesAgo && setupFee > 0) {
      lines.push({
        chargeType: 'oneTime',
        description: `${offering.name} setup and activation`,
        cents: setupFee,
        productKey: product.key,
      });
    }
  }
  for (const usage of spec.usage.filter((line) => line.cyclesAgo === cyclesAgo)) {
    const { description, amountCents, productKey } = usage;
    lines.push({ chargeType: 'usage', description, cents: amountCents, productKey });
  }
  for (const credit of spec.credits.filter((line) => line.cyclesAgo === cyclesAgo)) {
    lines.push({ chargeType: 'credit', description: credit.description, cents: credit.amountCents });
  }
  const net = lines.reduce((sum, line) => sum + line.cents, 0);
  // Half-up rounding on whole cents: exact, no floating-point money.
  const tax = Math.floor((net * DEMO_TAX_RATE_BASIS_POINTS + 5_000) / 10_000);
  lines.push({ chargeType: 'tax', description: 'Taxes and regulatory fees (8.25%)', cents: tax });
  const total = lines.reduce((sum, line) => sum + line.cents, 0);
  return {
    number,
    cyclesAgo,
    paidOnTime: !spec.unpaidCycles.includes(cyclesAgo),
    amountDue: formatCents(total),
    charges: lines.map(({ chargeType, description, cents, productKey }) =>
      productKey === undefined
        ? { chargeType, description, amount: formatCents(cents) }
        : { chargeType, description, amount: formatCents(cents), productKey },
    ),
  };
}

function phoneNumberFor(customerNumber: number): string {
  return `+1555123${String(customerNumber).padStart(4, '0')}`;
}

function accountNumberFor(customerNumber: number): string {
  return `ACC-${10000 + customerNumber}`;
}

function lineIdFor(prefix: string, area: string, customerNumber: number): string {
  return `${prefix}-${area}-${String(customerNumber).padStart(4, '0')}`;
}

function buildCustomers(specs: readonly CustomerSpec[]): DemoCustomer[] {
  let nextBillNumber = FIRST_BILL_NUMBER;
  return specs.map((spec) => {
    const bills: DemoBill[] = [];
    for (let cyclesAgo = Math.min(spec.billCount, BILLS_KEPT) - 1; cyclesAgo >= 0; cyclesAgo -= 1) {
      bills.push(buildBill(spec, cyclesAgo, nextBillNumber));
      nextBillNumber += 1;
    }
    return {
      number: spec.number,
      givenName: spec.givenName,
      familyName: spec.familyName,
      status: spec.status,
      phoneNumber: phoneNumberFor(spec.number),
      email: spec.email,
      postalAddress: spec.postalAddress,
      serviceArea: spec.postalAddress.postCode,
      account: spec.account,
      products: spec.products,
      bills,
    };
  });
}

// Alex Morgan: the main demo customer. The latest bill is higher than the two before it (a new
// Mesh Wi-Fi Extender with its device fee, international calls and roaming), which is what a
// "why is my bill so high?" demo needs.
const ALEX_SPEC: CustomerSpec = {
  number: 1,
  givenName: 'Alex',
  familyName: 'Morgan',
  status: 'active',
  email: 'alex.morgan@example.com',
  postalAddress: { street: '48 Alder Street', city: 'San Francisco', postCode: '94107', country: 'US' },
  account: { accountNumber: accountNumberFor(1), status: 'active', billCycleDay: 1, paperlessBill: true },
  products: [
    {
      key: 'FIBER-1G',
      offeringCode: 'FIBER-1G',
      serviceType: 'internet',
      serviceIdentifier: lineIdFor('FTTH', '94107', 1),
      status: 'active',
      startedCyclesAgo: 26,
    },
    {
      key: 'ADDON-MESH-WIFI',
      offeringCode: 'ADDON-MESH-WIFI',
      serviceType: 'internet',
      serviceIdentifier: lineIdFor('FTTH', '94107', 1),
      status: 'active',
      startedCyclesAgo: 0,
    },
    {
      key: 'MOBILE-UNLIMITED',
      offeringCode: 'MOBILE-UNLIMITED',
      serviceType: 'mobile',
      serviceIdentifier: phoneNumberFor(1),
      status: 'active',
      startedCyclesAgo: 26,
    },
    {
      key: 'TV-MAX',
      offeringCode: 'TV-MAX',
      serviceType: 'tv',
      serviceIdentifier: 'STB-4A7C19E2',
      status: 'active',
      startedCyclesAgo: 14,
    },
    {
      key: 'ADDON-SPORTS',
      offeringCode: 'ADDON-SPORTS',
      serviceType: 'tv',
      serviceIdentifier: 'STB-4A7C19E2',
      status: 'active',
      startedCyclesAgo: 14,
    },
  ],
  usage: [
    { cyclesAgo: 2, productKey: 'MOBILE-UNLIMITED', description: 'International calls: 18 min', amountCents: 630 },
    { cyclesAgo: 1, productKey: 'TV-MAX', description: 'Pay-per-view: The Long Night', amountCents: 599 },
    { cyclesAgo: 0, productKey: 'MOBILE-UNLIMITED', description: 'International calls: 42 min', amountCents: 1470 },
    { cyclesAgo: 0, productKey: 'MOBILE-UNLIMITED', description: 'Roaming day pass: 2 days', amountCents: 2000 },
  ],
  credits: [],
  unpaidCycles: [],
  billCount: 27,
};

// Sam Rivera: mobile only, joined two cycles ago, and already over their data allowance: the
// up-sell demo (Extra Data 10 GB or Mobile Unlimited).
const SAM_SPEC: CustomerSpec = {
  number: 2,
  givenName: 'Sam',
  familyName: 'Rivera',
  status: 'active',
  email: 'sam.rivera@example.net',
  postalAddress: { street: '311 Noe Street, Apt 4', city: 'San Francisco', postCode: '94114', country: 'US' },
  account: { accountNumber: accountNumberFor(2), status: 'active', billCycleDay: 15, paperlessBill: true },
  products: [
    {
      key: 'MOBILE-ESSENTIALS',
      offeringCode: 'MOBILE-ESSENTIALS',
      serviceType: 'mobile',
      serviceIdentifier: phoneNumberFor(2),
      status: 'active',
      startedCyclesAgo: 1,
    },
  ],
  usage: [
    { cyclesAgo: 0, productKey: 'MOBILE-ESSENTIALS', description: 'Data overage: 3 GB', amountCents: 1500 },
  ],
  credits: [],
  unpaidCycles: [],
  billCount: 2,
};

interface ServiceArea {
  readonly postCode: string;
  readonly city: string;
  readonly streets: readonly string[];
}

// Weighted so the outage area (94110) has several internet customers.
const SERVICE_AREAS: readonly { readonly weight: number; readonly value: ServiceArea }[] = [
  { weight: 3, value: { postCode: '94107', city: 'San Francisco', streets: ['Brannan Street', '3rd Street'] } },
  { weight: 5, value: { postCode: '94110', city: 'San Francisco', streets: ['Valencia Street', 'Folsom Street'] } },
  { weight: 2, value: { postCode: '94114', city: 'San Francisco', streets: ['Castro Street', 'Noe Street'] } },
  { weight: 2, value: { postCode: '94117', city: 'San Francisco', streets: ['Haight Street', 'Ashbury Street'] } },
  { weight: 2, value: { postCode: '94122', city: 'San Francisco', streets: ['Irving Street', 'Judah Street'] } },
  { weight: 3, value: { postCode: '94612', city: 'Oakland', streets: ['Telegraph Avenue', 'Grand Avenue'] } },
  { weight: 2, value: { postCode: '94704', city: 'Berkeley', streets: ['Shattuck Avenue', 'Dwight Way'] } },
  { weight: 2, value: { postCode: '95112', city: 'San Jose', streets: ['Santa Clara Street', 'Julian Street'] } },
];

const GIVEN_NAMES = [
  'Jordan', 'Taylor', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn', 'Harper', 'Elena', 'Mateo',
  'Aisha', 'Noah', 'Olivia', 'Liam', 'Sofia', 'Ethan', 'Mei', 'Hiroshi', 'Fatima', 'Diego',
  'Chloe', 'Daniel', 'Grace', 'Kwame', 'Ingrid', 'Luca', 'Nadia', 'Rahul', 'Zoe', 'Tomás',
  'Amara', 'Ben', 'Hana', 'Isaac', 'Leila', 'Marco', 'Nora', 'Oscar', 'Ruth', 'Victor',
] as const;

const FAMILY_NAMES = [
  'Nguyen', 'Garcia', 'Kim', 'Okonkwo', 'Schmidt', 'Rossi', 'Haddad', 'Kowalski', 'Silva', 'Johnson',
  'Chen', 'Martin', 'Dubois', 'Andersson', 'Yamamoto', 'Hernandez', 'Brown', 'Singh', 'Ali', 'Murphy',
  "O'Brien", 'Costa', 'Novak', 'Ivanova', 'Mensah', 'Lopez', 'Walker', 'Cohen', 'Rahman', 'Park',
  'Torres', 'Fernandes', 'Larsen', 'Moreau', 'Bianchi', 'Adeyemi', 'Wright', 'Sato', 'Reyes', 'Kaur',
] as const;

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;

const BUNDLES: readonly { readonly weight: number; readonly value: readonly ServiceType[] }[] = [
  { weight: 10, value: ['mobile'] },
  { weight: 7, value: ['internet'] },
  { weight: 8, value: ['internet', 'mobile'] },
  { weight: 4, value: ['internet', 'tv'] },
  { weight: 5, value: ['internet', 'mobile', 'tv'] },
  { weight: 2, value: ['internet', 'landline'] },
  { weight: 2, value: ['landline'] },
  { weight: 2, value: ['internet', 'tv', 'landline'] },
];

const PLANS: Readonly<Record<ServiceType, readonly { readonly weight: number; readonly value: string }[]>> = {
  internet: [
    { weight: 4, value: 'FIBER-300' },
    { weight: 4, value: 'FIBER-1G' },
    { weight: 2, value: 'FIBER-2G' },
  ],
  mobile: [
    { weight: 4, value: 'MOBILE-ESSENTIALS' },
    { weight: 4, value: 'MOBILE-UNLIMITED' },
    { weight: 2, value: 'MOBILE-UNLIMITED-PLUS' },
  ],
  tv: [
    { weight: 3, value: 'TV-BASIC' },
    { weight: 2, value: 'TV-MAX' },
  ],
  landline: [{ weight: 1, value: 'HOME-PHONE' }],
};

const PAY_PER_VIEW: readonly { readonly title: string; readonly cents: number }[] = [
  { title: 'The Long Night', cents: 599 },
  { title: 'Harbor Lights', cents: 499 },
  { title: 'Summit Fight Night', cents: 5499 },
  { title: 'Tides of Fortune', cents: 699 },
];

/** Customers 3.. with one overdue unpaid bill (the last two bills unpaid). */
const ARREARS_NUMBERS: readonly number[] = [7, 16, 29];
/** The customer suspended for non-payment (three bills unpaid). */
const SUSPENDED_NUMBER = 21;
/** A customer forced into the outage area with internet, for outage-matching demos. */
const OUTAGE_AREA_NUMBER = 3;
const GENERATED_CUSTOMER_COUNT = 40;

function asciiLower(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function generateCustomerSpecs(): CustomerSpec[] {
  const random = new SeededRandom(0x7e1c0b07);
  const givenNames = random.shuffled(GIVEN_NAMES);
  const familyNames = random.shuffled(FAMILY_NAMES);
  const specs: CustomerSpec[] = [];

  for (let index = 0; index < GENERATED_CUSTOMER_COUNT; index += 1) {
    const number = index + 3;
    const givenName = givenNames[index];
    const familyName = familyNames[index];
    if (givenName === undefined || familyName === undefined) throw new Error('not enough demo names');
    const inArrears = ARREARS_NUMBERS.includes(number);
    const suspended = number === SUSPENDED_NUMBER;
    const mustBeEstablished = inArrears || suspended || number === OUTAGE_AREA_NUMBER;

    const area =
      number === OUTAGE_AREA_NUMBER
        ? { postCode: DEMO_OUTAGE.area, city: 'San Francisco', streets: ['Valencia Street'] }
        : random.weighted(SERVICE_AREAS);
    const services: readonly ServiceType[] =
      number === OUTAGE_AREA_NUMBER ? ['internet', 'mobile'] : random.weighted(BUNDLES);
    const apartment = random.chance(0.3) ? `, Apt ${random.int(1, 30)}` : '';
    const street = `${random.int(10, 2400)} ${random.pick(area.streets)}${apartment}`;

    // The first service defines the account's age; later ones were added since.
    const accountAge = !mustBeEstablished && random.chance(0.12) ? random.int(0, 1) : random.int(3, 60);
    const productStatus: ProductStatus = suspended ? 'suspended' : 'active';
    const products: DemoProduct[] = [];
    const usage: UsageLine[] = [];

    services.forEach((serviceType, position) => {
      const code = random.weighted(PLANS[serviceType]);
      const started = position === 0 ? accountAge : random.int(0, accountAge);
      const serviceIdentifier =
        serviceType === 'mobile'
          ? phoneNumberFor(number)
          : serviceType === 'tv'
            ? `STB-${random.hex(8)}`
            : lineIdFor(serviceType === 'internet' ? 'FTTH' : 'LINE', area.postCode, number);

      // Some internet customers upgraded from Fiber 300: their old product is history.
      let currentStart = started;
      if (serviceType === 'internet' && code !== 'FIBER-300' && started >= 8 && random.chance(0.3)) {
        currentStart = random.int(3, started - 1);
        products.push({
          key: 'FIBER-300-previous',
          offeringCode: 'FIBER-300',
          serviceType,
          serviceIdentifier,
          status: 'terminated',
          startedCyclesAgo: started,
          terminatedCyclesAgo: currentStart,
        });
      }
      products.push({
        key: code,
        offeringCode: code,
        serviceType,
        serviceIdentifier,
        status: productStatus,
        startedCyclesAgo: currentStart,
      });

      const addOnCodes: string[] = [];
      for (const addOn of DEMO_OFFERINGS) {
        if (!addOn.isAddOn || !addOn.compatibleWith.includes(code) || !random.chance(0.2)) continue;
        addOnCodes.push(addOn.code);
        products.push({
          key: addOn.code,
          offeringCode: addOn.code,
          serviceType: addOn.serviceType,
          serviceIdentifier,
          status: productStatus,
          startedCyclesAgo: random.int(0, currentStart),
        });
      }

      for (let cyclesAgo = 0; cyclesAgo < BILLS_KEPT; cyclesAgo += 1) {
        if (currentStart < cyclesAgo) continue;
        usage.push(...usageFor(random, serviceType, code, addOnCodes, cyclesAgo));
      }
    });

    const credits: CreditLine[] = [];
    for (let cyclesAgo = 0; cyclesAgo < BILLS_KEPT; cyclesAgo += 1) {
      if (accountAge >= 12 && random.chance(0.1)) {
        credits.push({ cyclesAgo, description: 'Loyalty credit', amountCents: -1000 });
      }
    }

    specs.push({
      number,
      givenName,
      familyName,
      status: suspended ? 'suspended' : 'active',
      email: `${asciiLower(givenName)}.${asciiLower(familyName)}@${random.pick(EMAIL_DOMAINS)}`,
      postalAddress: { street, city: area.city, postCode: area.postCode, country: 'US' },
      account: {
        accountNumber: accountNumberFor(number),
        status: suspended ? 'suspended' : 'active',
        billCycleDay: random.int(1, 28),
        paperlessBill: random.chance(0.8),
      },
      products,
      usage,
      credits,
      unpaidCycles: suspended ? [2, 1, 0] : inArrears ? [1, 0] : [],
      billCount: accountAge + 1,
    });
  }
  return specs;
}

function usageFor(
  random: SeededRandom,
  serviceType: ServiceType,
  planCode: string,
  addOnCodes: readonly string[],
  cyclesAgo: number,
): UsageLine[] {
  const lines: UsageLine[] = [];
  const line = (description: string, amountCents: number): void => {
    lines.push({ cyclesAgo, productKey: planCode, description, amountCents });
  };
  if (serviceType === 'mobile') {
    if (planCode === 'MOBILE-ESSENTIALS' && !addOnCodes.includes('ADDON-EXTRA-DATA-10GB') && random.chance(0.35)) {
      const gigabytes = random.int(1, 4);
      line(`Data overage: ${gigabytes} GB`, gigabytes * 500);
    }
    if (random.chance(0.25)) {
      const minutes = random.int(5, 60);
      const centsPerMinute = addOnCodes.includes('ADDON-INTL-CALLING') ? 5 : 35;
      line(`International calls: ${minutes} min`, minutes * centsPerMinute);
    }
    if (planCode !== 'MOBILE-UNLIMITED-PLUS' && random.chance(0.08)) {
      const days = random.int(1, 5);
      line(`Roaming day pass: ${days} day${days === 1 ? '' : 's'}`, days * 1000);
    }
  } else if (serviceType === 'tv') {
    if (random.chance(0.2)) {
      const event = random.pick(PAY_PER_VIEW);
      line(`Pay-per-view: ${event.title}`, event.cents);
    }
  } else if (serviceType === 'landline') {
    if (!addOnCodes.includes('ADDON-WORLD-CALLING') && random.chance(0.3)) {
      const minutes = random.int(10, 120);
      line(`International calls: ${minutes} min`, minutes * 25);
    }
  }
  return lines;
}

/** All demo customers: Alex Morgan (+15551230001), Sam Rivera (+15551230002), then 40 more. */
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = buildCustomers([
  ALEX_SPEC,
  SAM_SPEC,
  ...generateCustomerSpecs(),
]);

function demoCustomerNumbered(number: number): DemoCustomer {
  const customer = DEMO_CUSTOMERS.find((candidate) => candidate.number === number);
  if (!customer) throw new Error(`No demo customer number ${number}`);
  return customer;
}

/** Internet, mobile and TV (with add-ons), three itemised bills. */
export const ALEX_MORGAN: DemoCustomer = demoCustomerNumbered(1);
/** Mobile only, two bills. */
export const SAM_RIVERA: DemoCustomer = demoCustomerNumbered(2);
/** Active accounts with an overdue unpaid bill. */
export const DEMO_CUSTOMERS_IN_ARREARS: readonly DemoCustomer[] = ARREARS_NUMBERS.map(demoCustomerNumbered);
/** Suspended for non-payment. */
export const DEMO_SUSPENDED_CUSTOMER: DemoCustomer = demoCustomerNumbered(SUSPENDED_NUMBER);
/** Has internet in the area of DEMO_OUTAGE. */
export const DEMO_OUTAGE_AREA_CUSTOMER: DemoCustomer = demoCustomerNumbered(OUTAGE_AREA_NUMBER);
