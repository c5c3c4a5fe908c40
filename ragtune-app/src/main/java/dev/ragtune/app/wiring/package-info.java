/**
 * Where the app joins the libraries: ragtune-model's T5 behind ragtune-rag's {@code Generator} seam, and the T5
 * tokenizer as the training data's {@code TextCodec}. The only package that sees both modules.
 */
package dev.ragtune.app.wiring;
