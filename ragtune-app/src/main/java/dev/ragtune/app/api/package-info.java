/**
 * The wire format of ragtune: the request and response records of the HTTP API, written with Jackson and described by
 * the OpenAPI document, and the same records printed by the CLI's {@code --json}; plus the {@link dev.ragtune.app.api.Limits}
 * both enforce. Plain values only: no HTTP server, no command line, no model code here.
 */
package dev.ragtune.app.api;
