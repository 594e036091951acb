// Domain knowledge the corpus alone cannot teach: words that mean the same thing to a telecom
// operator's customer. Each maps to a concept the classifier gets as an extra feature, so
// "invoice" helps wherever "bill" was taught and "technician" wherever "engineer" was.

const CONCEPT_WORDS: Record<string, readonly string[]> = {
  billing: ['bill', 'bills', 'billed', 'billing', 'invoice', 'invoices', 'statement', 'charge', 'charges', 'charged', 'fee', 'fees', 'balance', 'owe', 'due', 'payment', 'payments', 'pay', 'paid', 'paying', 'cost', 'taxes', 'amount', 'refbill'],
  dispute: ['dispute', 'disputed', 'contest', 'overcharged', 'overcharging', 'overcharge', 'refund', 'refunded', 'compensation', 'wrong', 'incorrect', 'mistake', 'error', 'unfair', 'robbed', 'theft', 'scam', 'twice', 'double', 'waive', 'reverse', 'credit', 'adjustment', 'refadjust'],
  fault: ['down', 'dead', 'broken', 'slow', 'dropping', 'drops', 'dropped', 'disconnecting', 'buffering', 'freezing', 'frozen', 'pixelated', 'blocky', 'outage', 'fault', 'faulty', 'static', 'crackling', 'buzzing', 'laggy', 'lag', 'cutting', 'intermittent', 'offline', 'died', 'sos', 'blinking', 'flashing', 'glitch', 'glitchy', 'problem', 'issue', 'working', 'work', 'works'],
  status: ['status', 'update', 'updates', 'progress', 'news', 'eta', 'yet', 'still', 'latest', 'happening', 'happened', 'track', 'tracking', 'check', 'follow', 'following'],
  ticket: ['ticket', 'repair', 'repaired', 'fixed', 'engineer', 'technician', 'tech', 'complaint', 'case', 'reported', 'report', 'refticket', 'restored', 'resolved'],
  delivery: ['order', 'ordered', 'delivery', 'delivered', 'shipped', 'dispatched', 'arrive', 'arrived', 'install', 'installation', 'installer', 'activated', 'activation', 'processed', 'reforder', 'package'],
  acquire: ['buy', 'purchase', 'add', 'upgrade', 'subscribe', 'sign', 'signup', 'get', 'order', 'want', 'switch', 'take', 'activate', 'new', 'another', 'extra', 'bring', 'port'],
  offer: ['plan', 'plans', 'package', 'packages', 'deal', 'deals', 'offer', 'offers', 'promotion', 'promotions', 'promo', 'price', 'prices', 'pricing', 'cost', 'costs', 'bundle', 'bundles', 'discount', 'discounts', 'cheapest', 'cheaper', 'fastest', 'available', 'coverage', 'include', 'included', 'includes'],
  cancel: ['cancel', 'cancelled', 'canceling', 'cancelling', 'terminate', 'termination', 'disconnect', 'discontinue', 'close', 'leave', 'leaving', 'quit', 'end', 'deactivate', 'rid', 'switching'],
  profile: ['email', 'address', 'name', 'surname', 'details', 'profile', 'password', 'pin', 'contact', 'info', 'information', 'emailaddr', 'phonenum', 'paperless', 'autopay', 'account'],
  change: ['change', 'changed', 'update', 'correct', 'fix', 'edit', 'new', 'moved', 'moving', 'spelt', 'spelled'],
  view: ['what', 'which', 'show', 'see', 'view', 'tell', 'list', 'file', 'record', 'registered'],
  human: ['agent', 'human', 'person', 'representative', 'someone', 'somebody', 'manager', 'supervisor', 'staff', 'employee', 'operator', 'callback', 'real', 'live'],
  messaging: ['text', 'texts', 'texting', 'sms', 'message', 'messages', 'messaging', 'promos', 'marketing', 'spam', 'spamming', 'ads', 'offers', 'unsubscribe', 'optout'],
  service: ['internet', 'wifi', 'broadband', 'fiber', 'router', 'modem', 'connection', 'net', 'tv', 'channels', 'channel', 'box', 'settop', 'mobile', 'phone', 'signal', 'data', 'calls', 'line', 'landline', 'sim', 'network', 'service'],
  greet: ['hi', 'hello', 'hey', 'hiya', 'howdy', 'morning', 'afternoon', 'evening', 'greetings', 'yo'],
  farewell: ['bye', 'goodbye', 'later', 'cya', 'night', 'goodnight', 'farewell', 'ciao', 'adios'],
  gratitude: ['thanks', 'thank', 'cheers', 'appreciate', 'appreciated', 'grateful'],
  yes: ['yes', 'yeah', 'yep', 'yup', 'yea', 'sure', 'ok', 'correct', 'right', 'absolutely', 'definitely', 'confirm', 'confirmed', 'agreed', 'proceed'],
  no: ['no', 'nope', 'nah', 'not', 'never', 'negative'],
};

const CONCEPTS = new Map<string, string[]>();
for (const [concept, words] of Object.entries(CONCEPT_WORDS)) {
  for (const word of words) CONCEPTS.set(word, [...(CONCEPTS.get(word) ?? []), concept]);
}

/** The concepts a token stands for (none for most words). */
export function conceptsOf(token: string): readonly string[] {
  return CONCEPTS.get(token) ?? [];
}
