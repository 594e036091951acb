import type { OfferingLookup, OfferingView } from '../../src/domain/catalog/catalog.service.ts';
import type { Eligibility, OrderIntent } from '../../src/domain/catalog/eligibility.ts';
import type { OfferSuggestion, RecommendOptions } from '../../src/domain/catalog/recommendations.ts';
import type { OrderView, PlaceOrderOutcome, PlaceProductOrderRequest } from '../../src/domain/orders/product-orders.service.ts';
import type { ServiceType } from '../../src/generated/prisma/client.ts';

/** The catalog and orders domain services dialogs may call; src/bot/services/orders.ts binds them to the database. */
export interface OrderServices {
  /** The offerings on sale, base plans first, by service type, cheapest first. */
  listOfferings(): Promise<OfferingView[]>;
  /** The offering with this code, on sale or not. */
  findOffering(code: string): Promise<OfferingView | null>;
  /** The offerings the customer's words name (code, name, keywords, typos); several when ambiguous. */
  lookUpOfferings(text: string, serviceType?: ServiceType): Promise<OfferingLookup>;
  /** Whether the customer may order it now, and as what (new product or plan change); null for an unknown customer or offering. */
  checkOrderEligibility(customerId: string, offeringCode: string, intent: OrderIntent, now: Date): Promise<Eligibility | null>;
  /** Offers worth telling about: the general catalog for anonymous visitors (null), tailored for a customer. */
  recommendOffers(customerId: string | null, options: RecommendOptions, now: Date): Promise<OfferSuggestion[]>;
  /** Places a TMF622 product order (eligibility checked again), idempotent on the request's key. */
  placeProductOrder(request: PlaceProductOrderRequest): Promise<PlaceOrderOutcome>;
  /** The customer's own order with this number (ORD-<number>); null for anyone else's. */
  findCustomerOrder(customerId: string, number: number): Promise<OrderView | null>;
  /** The customer's latest orders, those in progress first. */
  listRecentOrders(customerId: string): Promise<OrderView[]>;
}
