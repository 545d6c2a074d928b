/**
 * The built-in OIDC issuer of {@code portcullis dev}: development only, loopback only, no authentication.
 * Nothing here may be wired into {@code portcullis serve}.
 */
package dev.portcullis.identity.dev;
