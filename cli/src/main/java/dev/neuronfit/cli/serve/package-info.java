/**
 * {@code neuronfit serve}: the check as a web page and an HTTP API on Javalin, with the limits a
 * shared service needs (upload size, per-check deadline, bounded checks in flight and queue, a
 * result cache, read timeouts). Every check goes through the same core as the command line:
 * readers, Hub access and renderers.
 */
package dev.neuronfit.cli.serve;
