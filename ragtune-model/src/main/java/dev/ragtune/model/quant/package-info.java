/**
 * int8 weights: per-row (output channel) symmetric quantization of fp32 matrices and the matrix–vector kernels that
 * multiply them with fp32 activations (Java Vector API when the JVM has {@code jdk.incubator.vector}, plain Java
 * otherwise). Pure Java on arrays: depends on nothing else in ragtune, on no DJL type.
 */
package dev.ragtune.model.quant;
