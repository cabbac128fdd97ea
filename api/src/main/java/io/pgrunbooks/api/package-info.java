/**
 * The REST API and approvals page (Dropwizard): starts, queries, signals and updates workflows;
 * never touches a database (DESIGN.md section 2). Built by issue #9.
 */
package io.pgrunbooks.api;
