/**
 * The knowledge base: editions of the Neuron "Model Architecture Fit Guidelines" (tables, footnote,
 * guidance, known issues), the Neuron packages and the Hugging Face model catalogue, all loaded
 * from data files in resources, never typed into Java.
 */
package dev.neuronfit.kb;
