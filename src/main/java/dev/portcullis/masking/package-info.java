/**
 * Inline masking of result values (issue 4): policy masking rules compiled into per-result column plans, content
 * classifiers, masking strategies and the DataRow rewrite. Plain classes; the PostgreSQL termination side drives
 * them from the backend stream.
 */
package dev.portcullis.masking;
