/**
 * A decoded message whose API the test picks at run time (fake brokers answering by API key, raw
 * requests by number): its shape is checked by the test's expect(), not by the compiler. Product
 * code never uses this; it has RequestOf / ResponseOf from the descriptors.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Struct = Record<string, any>;
