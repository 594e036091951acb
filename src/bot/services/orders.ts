import type { OrderServices } from '../../../dialogs/services/orders.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import { findOffering, listActiveOfferings, lookUpOfferings } from '../../domain/catalog/catalog.service.ts';
import { recommendOffers } from '../../domain/catalog/recommendations.ts';
import { loadCustomerHoldings } from '../../domain/orders/customer-holdings.ts';
import { checkOrderEligibility, findCustomerOrder, listRecentOrders, placeProductOrder } from '../../domain/orders/product-orders.service.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The catalog and orders services dialogs use, bound to a database. */
export function createOrderServices(db: DbClient, _settings: BotSettings): OrderServices {
  return {
    listOfferings: () => listActiveOfferings(db),
    findOffering: (code) => findOffering(db, code),
    lookUpOfferings: (text, serviceType) => lookUpOfferings(db, text, serviceType),
    checkOrderEligibility: (customerId, offeringCode, intent, now) => checkOrderEligibility(db, customerId, offeringCode, intent, now),
    async recommendOffers(customerId, options, now) {
      const [catalog, holdings] = await Promise.all([listActiveOfferings(db), customerId ? loadCustomerHoldings(db, customerId, now) : null]);
      return recommendOffers(catalog, holdings, options);
    },
    placeProductOrder: (request) => placeProductOrder(db, request),
    findCustomerOrder: (customerId, number) => findCustomerOrder(db, customerId, number),
    listRecentOrders: (customerId) => listRecentOrders(db, customerId),
  };
}
