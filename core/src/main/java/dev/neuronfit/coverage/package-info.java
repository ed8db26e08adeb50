/**
 * Operator coverage: counts a graph's nodes per operator and checks each operator against the
 * Neuron operator list that applies to the graph and target, giving the nodes that would run on the
 * CPU. A function of the model profile and the knowledge base; it reads no files.
 */
package dev.neuronfit.coverage;
