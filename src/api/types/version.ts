/** The Engine API versions berth speaks; shared by the server and the client. */
export const API_VERSION = '1.54';
export const MIN_API_VERSION = '1.24';
export const SERVER_VERSION = '0.1.0';
