/**
 * The protocol buffers wire format, read as a stream of fields that can be skipped by seeking, and
 * the budget of values a graph reader keeps from such a file ({@link
 * dev.neuronfit.io.pb.KeptValues}).
 */
package dev.neuronfit.io.pb;
