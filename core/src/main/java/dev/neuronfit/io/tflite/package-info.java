/**
 * Recognises TensorFlow Lite files and says why neuronfit does not read them, and where they came
 * from.
 */
package dev.neuronfit.io.tflite;
