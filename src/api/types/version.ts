/**
 * The Engine API versions berth speaks; shared by the server and the client. API_VERSION is the
 * newest in Docker's published version history (moby api/docs/CHANGELOG.md, v1.56); the window
 * reaches down to 1.24 (Docker 1.12), wider than any Docker engine's.
 */
export const API_VERSION = '1.56';
export const MIN_API_VERSION = '1.24';
export const SERVER_VERSION = '0.1.0';
