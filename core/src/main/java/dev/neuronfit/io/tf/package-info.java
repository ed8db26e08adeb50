/**
 * TensorFlow models: SavedModel folders and frozen GraphDef files, read field by field with a field
 * table of TensorFlow's protobuf messages; tensor payloads are skipped by seeking, and a
 * SavedModel's variables are listed from {@code variables/variables.index} without opening their
 * data files.
 */
package dev.neuronfit.io.tf;
