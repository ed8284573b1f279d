/** The telephony provider's API refused or failed a request (its HTTP status and its own words). */
export class ProviderApiError extends Error {}
