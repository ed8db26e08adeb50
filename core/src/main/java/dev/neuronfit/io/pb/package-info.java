/** The protocol buffers wire format, read as a stream of fields that can be skipped by seeking. */
package dev.neuronfit.io.pb;
