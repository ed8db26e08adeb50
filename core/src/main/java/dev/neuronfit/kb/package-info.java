/**
 * The knowledge base: editions of the Neuron "Model Architecture Fit Guidelines" (tables, footnote,
 * guidance, known issues), the Neuron packages, the Hugging Face model catalogue and the Neuron
 * operator lists, all loaded from data files in resources, never typed into Java.
 */
package dev.neuronfit.kb;
